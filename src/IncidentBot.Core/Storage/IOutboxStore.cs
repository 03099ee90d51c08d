using IncidentBot.Chat.Outbox;

namespace IncidentBot.Storage;

/// <summary>Chat work waiting for delivery. Items are added through <see cref="IIncidentStore.CommitAsync"/>.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Takes the deliverable items: for each conversation, its pending items in order, but only when the first of
    /// them is due and nobody holds it. Claimed items are held by <paramref name="owner"/> until
    /// <paramref name="now"/> + <paramref name="lease"/>; after then another claimer may take them, so a crashed
    /// holder's work is delivered by someone else.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxItem>> ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default);

    /// <summary>The item was delivered: it is never claimed again.</summary>
    ValueTask MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The attempt failed: the item is released and becomes due again at <paramref name="nextAttemptAt"/>.</summary>
    ValueTask RescheduleAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default);

    /// <summary>The item gave up: it is never claimed again, and stops holding back its conversation.</summary>
    ValueTask MarkFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken = default);

    /// <summary>Items neither delivered nor failed.</summary>
    ValueTask<int> PendingCountAsync(CancellationToken cancellationToken = default);
}
