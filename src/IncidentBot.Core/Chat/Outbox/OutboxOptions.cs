namespace IncidentBot.Chat.Outbox;

/// <summary>
/// How chat deliveries are retried. Section <c>Outbox</c>:
/// <code>"Outbox": { "FirstRetryDelay": "00:00:01", "MaxRetryDelay": "00:05:00", "PollInterval": "00:00:01" }</code>
/// Transient failures are retried for as long as it takes, the wait doubling up to <see cref="MaxRetryDelay"/>.
/// </summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Conversations delivered at the same time; each one stays in order.</summary>
    public int Parallelism { get; set; } = 8;

    public TimeSpan RetryDelay(int attempts)
    {
        var doubled = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var capped = Math.Min(doubled, MaxRetryDelay.TotalMilliseconds);
        // A little jitter so conversations that failed together do not retry in lockstep.
        return TimeSpan.FromMilliseconds(capped * (0.9 + Random.Shared.NextDouble() * 0.2));
    }
}
