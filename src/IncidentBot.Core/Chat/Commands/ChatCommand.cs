using IncidentBot.Incidents;

namespace IncidentBot.Chat.Commands;

/// <summary>A parsed chat command. <see cref="IncidentNumber"/> is set when the text named one (<c>INC-42 ack</c>).</summary>
public abstract record ChatCommand
{
    public int? IncidentNumber { get; init; }

    /// <summary>True when the command only makes sense inside an incident.</summary>
    public virtual bool NeedsIncident => true;
}

/// <summary><c>declare &lt;title&gt; [sev]</c>: open an incident by hand.</summary>
public sealed record DeclareCommand(string Title, Severity? Severity) : ChatCommand
{
    public override bool NeedsIncident => false;
}

/// <summary><c>ack</c>: someone is on it.</summary>
public sealed record AcknowledgeCommand : ChatCommand;

/// <summary><c>role &lt;role&gt; [@user]</c>: give a role to someone (yourself when no user is named).</summary>
public sealed record AssignRoleCommand(string Role, string? User) : ChatCommand;

/// <summary><c>roles</c>: who holds which role, and which are open.</summary>
public sealed record ListRolesCommand : ChatCommand;

/// <summary><c>note &lt;text&gt;</c>: put a finding or decision on the timeline.</summary>
public sealed record NoteCommand(string Text) : ChatCommand;

/// <summary><c>update &lt;text&gt;</c>: a status update for everyone following the incident.</summary>
public sealed record StatusUpdateCommand(string Text) : ChatCommand;

/// <summary><c>severity &lt;sev&gt;</c>.</summary>
public sealed record ChangeSeverityCommand(Severity Severity) : ChatCommand;

/// <summary><c>status</c>: the incident at a glance.</summary>
public sealed record ShowStatusCommand : ChatCommand;

/// <summary><c>timeline</c>: the newest timeline entries, with a link to the console for the rest.</summary>
public sealed record ShowTimelineCommand : ChatCommand;

/// <summary><c>mitigate [summary]</c>: the impact has stopped, the cause may remain.</summary>
public sealed record MitigateCommand(string? Summary) : ChatCommand;

/// <summary><c>resolve [summary]</c>.</summary>
public sealed record ResolveCommand(string? Summary) : ChatCommand;

/// <summary><c>help</c>.</summary>
public sealed record HelpCommand : ChatCommand
{
    public override bool NeedsIncident => false;
}

/// <summary><c>runbook start &lt;id&gt;</c>: walk a runbook in this incident.</summary>
public sealed record StartRunbookCommand(string RunbookId) : ChatCommand;

/// <summary><c>runbook status</c>: where each runbook of the incident is.</summary>
public sealed record RunbookStatusCommand : ChatCommand;

/// <summary><c>runbook list</c>: the runbooks that can be started.</summary>
public sealed record ListRunbooksCommand : ChatCommand
{
    public override bool NeedsIncident => false;
}

/// <summary><c>done [runbook] [note]</c> (or <c>next</c>): the current step is done.</summary>
public sealed record CompleteStepCommand(string? Arguments) : ChatCommand;

/// <summary><c>skip [runbook] [reason]</c>.</summary>
public sealed record SkipStepCommand(string? Arguments) : ChatCommand;

/// <summary><c>back [runbook]</c>: return to the previous step.</summary>
public sealed record StepBackCommand(string? Arguments) : ChatCommand;

/// <summary><c>check [runbook] &lt;n&gt;</c>: tick or untick checklist item n of the current step.</summary>
public sealed record CheckItemCommand(string? Arguments) : ChatCommand;

/// <summary><c>drill schedule "&lt;cron&gt;" &lt;runbook&gt; [sev] [tz]</c>, <c>drill list</c>, <c>drill cancel &lt;id&gt;</c>, <c>drill run &lt;runbook&gt;</c>.</summary>
public sealed record DrillCommand(string Action, string? Cron = null, string? Target = null, Severity? Severity = null, string? TimeZone = null) : ChatCommand
{
    public override bool NeedsIncident => false;
}

/// <summary><c>action &lt;text&gt; [@owner]</c>: a follow-up for the RCA, with its owner when named last.</summary>
public sealed record ActionItemCommand(string Text) : ChatCommand;

/// <summary><c>rca</c> (write the review now, as a new version) or <c>rca complete</c> (done: close the incident).</summary>
public sealed record RcaCommand(bool Complete) : ChatCommand;
