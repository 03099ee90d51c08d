using IncidentBot.Access;
using IncidentBot.Incidents;

namespace IncidentBot.Chat.Commands;

/// <summary>
/// A parsed chat command. <see cref="IncidentNumber"/> is set when the text named one (<c>INC-42 ack</c>).
/// Every command says here, in its declaration, what it is called in a refusal (<paramref name="Verb"/>) and the role
/// it needs (<paramref name="Needs"/>): reading needs a viewer, incident work a responder, drills and completing a
/// review a lead. <see cref="ChatCommandHandler"/> checks it before running anything.
/// </summary>
/// <param name="Verb">The command's words as people type them, e.g. <c>drill run</c>.</param>
/// <param name="Needs">The least role that may run it.</param>
public abstract record ChatCommand(string Verb, AccessRole Needs)
{
    public int? IncidentNumber { get; init; }

    /// <summary>True when the command only makes sense inside an incident.</summary>
    public virtual bool NeedsIncident => true;

    /// <summary>True when the incident's commander may run it with less than <see cref="Needs"/> (a responder at least).</summary>
    public virtual bool OpenToCommander => false;
}

/// <summary><c>declare &lt;title&gt; [sev]</c>: open an incident by hand.</summary>
public sealed record DeclareCommand(string Title, Severity? Severity) : ChatCommand("declare", AccessRole.Responder)
{
    public override bool NeedsIncident => false;
}

/// <summary><c>ack</c>: someone is on it.</summary>
public sealed record AcknowledgeCommand() : ChatCommand("ack", AccessRole.Responder);

/// <summary><c>role &lt;role&gt; [@user]</c>: give a role to someone (yourself when no user is named).</summary>
public sealed record AssignRoleCommand(string Role, string? User) : ChatCommand("role", AccessRole.Responder);

/// <summary><c>roles</c>: who holds which role, and which are open.</summary>
public sealed record ListRolesCommand() : ChatCommand("roles", AccessRole.Viewer);

/// <summary><c>note &lt;text&gt;</c>: put a finding or decision on the timeline.</summary>
public sealed record NoteCommand(string Text) : ChatCommand("note", AccessRole.Responder);

/// <summary><c>update &lt;text&gt;</c>: a status update for everyone following the incident.</summary>
public sealed record StatusUpdateCommand(string Text) : ChatCommand("update", AccessRole.Responder);

/// <summary><c>severity &lt;sev&gt;</c>.</summary>
public sealed record ChangeSeverityCommand(Severity Severity) : ChatCommand("severity", AccessRole.Responder);

/// <summary><c>status</c>: the incident at a glance.</summary>
public sealed record ShowStatusCommand() : ChatCommand("status", AccessRole.Viewer);

/// <summary><c>timeline</c>: the newest timeline entries, with a link to the console for the rest.</summary>
public sealed record ShowTimelineCommand() : ChatCommand("timeline", AccessRole.Viewer);

/// <summary>
/// <c>oncall [service]</c>: who is on call now and next for a catalogued service; inside an incident, without a
/// service, for the incident's own.
/// </summary>
public sealed record OnCallCommand(string? Service) : ChatCommand("oncall", AccessRole.Viewer)
{
    public override bool NeedsIncident => false;
}

/// <summary><c>accept</c>: the person on-call asked to command takes it (only they may).</summary>
public sealed record AcceptOnCallCommand() : ChatCommand("accept", AccessRole.Responder);

/// <summary><c>handoff [@person]</c>: the on-call commander passes command to the next on call, or to the person named.</summary>
public sealed record HandOffCommand(string? To) : ChatCommand("handoff", AccessRole.Responder);

/// <summary>
/// <c>page &lt;service&gt; [message]</c>: page a catalogued service's on-call through its pager; inside an incident, the
/// page is linked to it.
/// </summary>
public sealed record PageCommand(string Service, string? Message) : ChatCommand("page", AccessRole.Responder)
{
    public override bool NeedsIncident => false;
}

/// <summary><c>mitigate [summary]</c>: the impact has stopped, the cause may remain.</summary>
public sealed record MitigateCommand(string? Summary) : ChatCommand("mitigate", AccessRole.Responder);

/// <summary><c>resolve [summary]</c>.</summary>
public sealed record ResolveCommand(string? Summary) : ChatCommand("resolve", AccessRole.Responder);

/// <summary><c>help</c>.</summary>
public sealed record HelpCommand() : ChatCommand("help", AccessRole.Viewer)
{
    public override bool NeedsIncident => false;
}

/// <summary><c>runbook start &lt;id&gt;</c>: walk a runbook in this incident.</summary>
public sealed record StartRunbookCommand(string RunbookId) : ChatCommand("runbook start", AccessRole.Responder);

/// <summary><c>runbook status</c>: where each runbook of the incident is.</summary>
public sealed record RunbookStatusCommand() : ChatCommand("runbook status", AccessRole.Viewer);

/// <summary><c>runbook list</c>: the runbooks that can be started.</summary>
public sealed record ListRunbooksCommand() : ChatCommand("runbook list", AccessRole.Viewer)
{
    public override bool NeedsIncident => false;
}

/// <summary><c>done [runbook] [note]</c> (or <c>next</c>): the current step is done.</summary>
public sealed record CompleteStepCommand(string? Arguments) : ChatCommand("done", AccessRole.Responder);

/// <summary><c>skip [runbook] [reason]</c>.</summary>
public sealed record SkipStepCommand(string? Arguments) : ChatCommand("skip", AccessRole.Responder);

/// <summary><c>back [runbook]</c>: return to the previous step.</summary>
public sealed record StepBackCommand(string? Arguments) : ChatCommand("back", AccessRole.Responder);

/// <summary><c>check [runbook] &lt;n&gt;</c>: tick or untick checklist item n of the current step.</summary>
public sealed record CheckItemCommand(string? Arguments) : ChatCommand("check", AccessRole.Responder);

/// <summary><c>drill schedule "&lt;cron&gt;" &lt;runbook&gt; [sev] [tz]</c>, <c>drill list</c>, <c>drill cancel &lt;id&gt;</c>, <c>drill run &lt;runbook&gt;</c>.</summary>
public sealed record DrillCommand(string Action, string? Cron = null, string? Target = null, Severity? Severity = null, string? TimeZone = null) : ChatCommand("drill " + Action, Action == "list" ? AccessRole.Viewer : AccessRole.Lead)
{
    public override bool NeedsIncident => false;
}

/// <summary><c>action &lt;text&gt; [@owner]</c>: a follow-up for the RCA, with its owner when named last.</summary>
public sealed record ActionItemCommand(string Text) : ChatCommand("action", AccessRole.Responder);

/// <summary><c>rca</c> (write the review now, as a new version) or <c>rca complete</c> (done: close the incident).</summary>
public sealed record RcaCommand(bool Complete) : ChatCommand(Complete ? "rca complete" : "rca", Complete ? AccessRole.Lead : AccessRole.Responder)
{
    /// <summary>The commander who ran the incident completes its review, as a lead may.</summary>
    public override bool OpenToCommander => Complete;
}
