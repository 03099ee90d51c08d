namespace IncidentBot.Incidents;

/// <summary>One thing that happened in an incident. Entries are only ever appended, never changed.</summary>
public sealed class TimelineEntry
{
    public long Id { get; set; }

    public int IncidentNumber { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Who did it: a user, or <c>incidentbot</c>/a source name for what the bot saw.</summary>
    public string Actor { get; set; } = "";

    /// <summary>One of <see cref="TimelineKinds"/>.</summary>
    public string Kind { get; set; } = "";

    public string Text { get; set; } = "";
}

/// <summary>The kinds of timeline entry; stable strings because scripts and RCAs read them.</summary>
public static class TimelineKinds
{
    public const string Opened = "opened";
    public const string Declared = "declared";
    public const string AlertFiring = "alert-firing";
    public const string AlertResolved = "alert-resolved";
    public const string AllAlertsResolved = "all-alerts-resolved";
    public const string Acknowledged = "acknowledged";
    public const string Mitigated = "mitigated";
    public const string Resolved = "resolved";
    public const string RoleAssigned = "role-assigned";
    public const string Note = "note";
    public const string StatusUpdate = "status-update";
    public const string SeverityChanged = "severity-changed";
    public const string SeverityUnmapped = "severity-unmapped";
    public const string ChannelOpened = "channel-opened";
    public const string ChatFailure = "chat-failure";
    public const string RunbookStarted = "runbook-started";
    public const string StepDone = "step-done";
    public const string StepSkipped = "step-skipped";
    public const string StepBack = "step-back";
    public const string ChecklistTicked = "checklist";
    public const string RunbookFinished = "runbook-finished";
    public const string MissedUpdate = "missed-update";
    public const string ActionItem = "action-item";
    public const string Closed = "closed";
    public const string OnCallAccepted = "oncall-accepted";
    public const string OnCallHandedOff = "oncall-handoff";
    public const string OnCallEscalated = "oncall-escalated";
    public const string TeamCalled = "team-called";
    public const string RunbooksOffered = "runbooks-offered";
}
