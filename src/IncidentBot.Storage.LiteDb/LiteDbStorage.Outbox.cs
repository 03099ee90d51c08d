using IncidentBot.Chat.Outbox;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

public sealed partial class LiteDbStorage
{
    public IReadOnlyList<OutboxItem> ClaimDue(string owner, DateTimeOffset now, TimeSpan lease, int max)
    {
        List<OutboxItem> claimed = [];
        InTransaction(() =>
        {
            var pending = _outbox.Find(Query.EQ(nameof(OutboxItem.State), nameof(OutboxItemState.Pending))).OrderBy(o => o.Id);
            foreach (var conversation in pending.GroupBy(o => o.ConversationKey))
            {
                // Only the head of a conversation decides: a later message never overtakes one waiting to retry.
                var head = conversation.First();
                var held = head.LeaseUntil > now && head.LeaseOwner != owner;
                if (head.NextAttemptAt > now || held)
                {
                    continue;
                }
                foreach (var item in conversation.TakeWhile(i => !(i.LeaseUntil > now && i.LeaseOwner != owner)))
                {
                    if (claimed.Count >= max)
                    {
                        break;
                    }
                    // A claim that ran out with no outcome recorded: its holder (a process since restarted) may have sent it.
                    item.TakenOverFrom = item.LeaseOwner is { } previous && previous != owner ? previous : null;
                    item.LeaseOwner = owner;
                    item.LeaseUntil = now + lease;
                    claimed.Add(item);
                }
            }
            _outbox.Update(claimed);
        }, durable: false);
        return claimed;
    }

    public void MarkDelivered(long id, DateTimeOffset at) => UpdateOutbox(id, item =>
    {
        item.State = OutboxItemState.Delivered;
        item.CompletedAt = at;
        item.Attempts++;
        item.LeaseOwner = null;
        item.LeaseUntil = null;
    });

    public void Reschedule(long id, DateTimeOffset nextAttemptAt, string error) => UpdateOutbox(id, item =>
    {
        item.Attempts++;
        item.NextAttemptAt = nextAttemptAt;
        item.LastError = error;
        item.LeaseOwner = null;
        item.LeaseUntil = null;
    });

    public void MarkFailed(long id, DateTimeOffset at, string error) => UpdateOutbox(id, item =>
    {
        item.State = OutboxItemState.Failed;
        item.CompletedAt = at;
        item.Attempts++;
        item.LastError = error;
        item.LeaseOwner = null;
        item.LeaseUntil = null;
    });

    public int OutboxPendingCount() => _outbox.Count(Query.EQ(nameof(OutboxItem.State), nameof(OutboxItemState.Pending)));

    private void UpdateOutbox(long id, Action<OutboxItem> change) => InTransaction(() =>
    {
        if (_outbox.FindById(id) is { } item)
        {
            change(item);
            _outbox.Update(item);
        }
    });
}
