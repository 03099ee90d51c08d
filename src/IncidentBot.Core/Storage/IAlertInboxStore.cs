using IncidentBot.Alerts;

namespace IncidentBot.Storage;

/// <summary>Accepted alerts waiting to be correlated into incidents.</summary>
public interface IAlertInboxStore
{
    /// <summary>
    /// Stores all of the entries or none of them, assigning their ids; once this returns they survive a crash, so
    /// the sender may be told they were accepted.
    /// </summary>
    ValueTask AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="max"/> entries nobody holds (or whose holder's lease ran out), oldest first.
    /// Claimed entries are held by <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>;
    /// no other claimer gets them before then, and after then anyone may, so work a holder dropped is picked up again.
    /// A store several processes share also keeps each alert group in order: an entry is not claimed while an older
    /// entry of its <see cref="InboxEntry.GroupKey"/> is held (by anyone, its lease still running), so the entries of
    /// one group are applied one claim after another, oldest first, whichever replica claims them.
    /// </summary>
    ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; the entry is retried after its lease, or dead-lettered and never claimed again.</summary>
    ValueTask RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken = default);

    /// <summary>Entries not yet processed (dead letters excluded).</summary>
    ValueTask<int> PendingCountAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether any entry waits to be processed (dead letters excluded); cheaper than counting them.</summary>
    ValueTask<bool> HasPendingAsync(CancellationToken cancellationToken = default);
}
