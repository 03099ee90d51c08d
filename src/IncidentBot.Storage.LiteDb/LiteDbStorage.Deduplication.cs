using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Deduplication keys live in their own collection (<c>deduplicationKeys</c>: <c>_id</c> = key, <c>expiresAt</c>
/// in UTC ticks, indexed), apart from the adapters' lasting references, so expired ones can be pruned with one
/// index range.
/// </summary>
public sealed partial class LiteDbStorage : IDeduplicationStore
{
    internal const string DeduplicationCollection = "deduplicationKeys";
    internal const string ExpiresAtField = "expiresAt";

    public bool TryRecord(DeduplicationKey key, DateTimeOffset now)
    {
        key.ThrowIfNotStorable();
        var recorded = false;
        // One transaction under the write lock: of two identical deliveries arriving together, exactly one wins.
        InTransaction(() =>
        {
            if (_deduplication.FindById(key.Key) is { } existing && existing[ExpiresAtField].AsInt64 >= now.UtcTicks)
            {
                return;
            }
            _deduplication.Upsert(new BsonDocument { ["_id"] = key.Key, [ExpiresAtField] = key.ExpiresAt.UtcTicks });
            recorded = true;
        });
        return recorded;
    }

    public int PruneExpired(DateTimeOffset now)
    {
        var pruned = 0;
        // Nothing is acknowledged by a prune, and a crash only leaves keys for the next pass: no checkpoint needed.
        InTransaction(() => pruned = _deduplication.DeleteMany(Query.LT(ExpiresAtField, now.UtcTicks)), durable: false);
        return pruned;
    }
}
