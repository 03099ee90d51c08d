using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;

namespace IncidentBot.Storage;

/// <summary>
/// Everything one operation changed, committed together or not at all: incidents, their alerts, new timeline
/// entries, messages to send, and the inbox entries the operation consumed.
/// </summary>
public sealed class IncidentChanges
{
    public Dictionary<int, Incident> Incidents { get; } = [];

    /// <summary>Numbers of <see cref="Incidents"/> the operation opened: they must not be stored yet.</summary>
    public HashSet<int> NewIncidents { get; } = [];

    public Dictionary<string, IncidentAlert> Alerts { get; } = [];

    /// <summary>Ids of <see cref="Alerts"/> known not to be stored yet: inserted, not upserted.</summary>
    public HashSet<string> NewAlerts { get; } = [];

    public List<TimelineEntry> Timeline { get; } = [];

    public List<OutboxItem> Outbox { get; } = [];

    public List<long> ConsumedInboxEntries { get; } = [];

    /// <summary>Runbook texts sessions started with, by version.</summary>
    public Dictionary<string, RunbookVersionRecord> RunbookVersions { get; } = [];

    /// <summary>Drill runs whose report the operation wrote.</summary>
    public List<Drills.DrillRun> DrillRuns { get; } = [];

    /// <summary>
    /// Incidents the operation decided on without changing them, by number, with the version it read, from
    /// <see cref="IIncidentStore.FindOpenByGroupKeysAsync"/> (which may answer from this process's last commit without
    /// asking): the commit is refused (<see cref="Incidents.IncidentConflictException"/>) when one of them is no longer
    /// stored at that version, as it is for a changed one, and checked even when nothing else is written.
    /// </summary>
    public Dictionary<int, int> Unchanged { get; } = [];

    public bool IsEmpty => Incidents.Count == 0 && Alerts.Count == 0 && Timeline.Count == 0 && Outbox.Count == 0 && ConsumedInboxEntries.Count == 0 && RunbookVersions.Count == 0 && DrillRuns.Count == 0;
}
