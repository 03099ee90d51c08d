using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Incidents;

/// <summary>
/// An incident: what is wrong, how bad, who is on it and where they talk. Its history is kept apart as
/// append-only <see cref="TimelineEntry"/> records, its alerts as <see cref="IncidentAlert"/> records.
/// </summary>
public sealed class Incident
{
    public int Number { get; set; }

    /// <summary>
    /// How many times the incident was committed: a commit of a copy read at an older version is refused
    /// (<see cref="Storage.IncidentConflictException"/>), so a concurrent update is never overwritten.
    /// </summary>
    public int Version { get; set; }

    public string Title { get; set; } = "";

    public Severity Severity { get; set; } = Severity.Sev3;

    public IncidentStatus Status { get; set; } = IncidentStatus.Triggered;

    public bool IsDrill { get; set; }

    public string? Service { get; set; }

    /// <summary>Alerts with this key attach to this incident while it is open; null for declared incidents.</summary>
    public string? GroupKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? MitigatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? LastUpdateAt { get; set; }

    /// <summary>When the bot last reminded people to post an update (an update was then missed).</summary>
    public DateTimeOffset? LastReminderAt { get; set; }

    /// <summary>
    /// When the next status-update reminder is due (null: none), as <c>ReminderOptions.DueFor</c> says: set in every
    /// commit, so the store can answer which reminders are due (<see cref="Storage.IncidentQuery.ReminderDueBy"/>).
    /// </summary>
    public DateTimeOffset? ReminderDueAt { get; set; }

    public int AlertCount { get; set; }

    public int FiringAlertCount { get; set; }

    /// <summary>Role id → user who holds it.</summary>
    public Dictionary<string, string> Roles { get; set; } = [];

    public List<ChannelBinding> Channels { get; set; } = [];

    public string? ResolutionSummary { get; set; }

    public List<RunbookSession> RunbookSessions { get; set; } = [];

    /// <summary>Who on-call asked to be commander, and whether they accepted; null when on-call was never asked.</summary>
    public OnCall.OnCallAsk? OnCall { get; set; }

    /// <summary>For drills: the only people chat platforms invite (nobody else is paged).</summary>
    public List<string> Participants { get; set; } = [];

    /// <summary>INC-42, or DRILL-42 style markers are left to the renderers: the number is the identity.</summary>
    public string Reference => $"INC-{Number}";
}

/// <summary>Where an incident is discussed on one chat platform.</summary>
public sealed record ChannelBinding(string Platform, string Id, string Name);
