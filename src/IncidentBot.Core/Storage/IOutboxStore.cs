using IncidentBot.Chat.Outbox;

namespace IncidentBot.Storage;

/// <summary>Chat work waiting for delivery. Items are added through <see cref="IIncidentStore.Commit"/>.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Takes the deliverable items: for each conversation, its pending items in order, but only when the first of
    /// them is due and nobody holds it.
    /// </summary>
    IReadOnlyList<OutboxItem> ClaimDue(string owner, DateTimeOffset now, TimeSpan lease, int max);

    void MarkDelivered(long id, DateTimeOffset at);

    void Reschedule(long id, DateTimeOffset nextAttemptAt, string error);

    void MarkFailed(long id, DateTimeOffset at, string error);

    int PendingCount();
}
