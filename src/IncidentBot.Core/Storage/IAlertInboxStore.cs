using IncidentBot.Alerts;

namespace IncidentBot.Storage;

/// <summary>Accepted alerts waiting to be correlated into incidents.</summary>
public interface IAlertInboxStore
{
    /// <summary>Stores the entries durably, in one transaction, assigning their ids.</summary>
    void Append(IReadOnlyList<InboxEntry> entries);

    /// <summary>Takes up to <paramref name="max"/> entries nobody holds (or whose lease ran out), oldest first.</summary>
    IReadOnlyList<InboxEntry> Claim(string owner, int max, DateTimeOffset now, TimeSpan lease);

    /// <summary>Records a failed attempt; the entry is retried after its lease, or dead-lettered.</summary>
    void RecordFailure(long id, string error, bool deadLetter);

    /// <summary>Entries not yet processed (dead letters excluded).</summary>
    int PendingCount();

    /// <summary>Whether any entry waits to be processed (dead letters excluded); cheaper than counting them.</summary>
    bool HasPending();
}
