namespace IncidentBot.Storage;

/// <summary>
/// Inbound deliveries already acted on (a Slack request's signature, a Slack event id, a Teams activity id), each
/// remembered only as long as a repeat of it could still arrive and verify, so a repeat acts once and the record
/// does not outlive its use.
/// </summary>
public interface IDeduplicationStore
{
    /// <summary>
    /// Records the key until it expires; true for exactly one of any number of concurrent callers with the same key
    /// (the first delivery: nobody recorded the key, or its earlier record has expired by <paramref name="now"/>, that
    /// is, expired before it). Instants compare to the microsecond, PostgreSQL's precision. A key no store can keep
    /// (<see cref="DeduplicationKey.ThrowIfNotStorable"/>) throws <see cref="ArgumentException"/>.
    /// </summary>
    ValueTask<bool> TryRecordAsync(DeduplicationKey key, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Forgets every key that expired before <paramref name="now"/>; returns how many.</summary>
    ValueTask<int> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>
/// One delivery to recognise again: <see cref="Key"/> starts with the adapter that owns it (<c>slack:</c>,
/// <c>teams:</c>) and is at most <see cref="MaxKeyLength"/> characters; <see cref="ExpiresAt"/> is when a repeat
/// can no longer verify, so forgetting it is safe.
/// </summary>
public sealed record DeduplicationKey(string Key, DateTimeOffset ExpiresAt)
{
    public const int MaxKeyLength = 512;

    /// <summary>Throws <see cref="ArgumentException"/> unless the key is at most <see cref="MaxKeyLength"/> characters of <see cref="StorableText"/>.</summary>
    public void ThrowIfNotStorable()
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Key.Length, MaxKeyLength, nameof(Key));
        if (!StorableText.IsStorable(Key))
        {
            throw new ArgumentException("A deduplication key may not contain U+0000 or an unpaired surrogate.", nameof(Key));
        }
    }
}
