namespace IncidentBot.Storage;

/// <summary>What a data file or backup holds: its schema version and how many records of each kind.</summary>
public sealed record StoredDataSummary(int SchemaVersion, long Incidents, long Alerts, long TimelineEntries, long InboxEntries, long OutboxItems)
{
    public override string ToString() =>
        $"schema version {SchemaVersion}: {Incidents} incident(s), {Alerts} alert(s), {TimelineEntries} timeline entries, " +
        $"{InboxEntries} alert(s) waiting in the inbox, {OutboxItems} chat message(s) in the outbox";
}
