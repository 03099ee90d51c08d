using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace IncidentBot.Slack.Api;

/// <summary>
/// Slack's published limits, applied before each call so we wait instead of being refused: a budget per method
/// per minute (its tier), and at most one message per second per channel.
/// </summary>
internal sealed class SlackRateLimits : IDisposable
{
    private static readonly Dictionary<string, int> Tiers = new(StringComparer.Ordinal)
    {
        ["apps.connections.open"] = 1,
        ["conversations.create"] = 2,
        ["conversations.setTopic"] = 2,
        ["conversations.setPurpose"] = 2,
        ["conversations.archive"] = 2,
        ["pins.add"] = 2,
        ["bookmarks.add"] = 2,
        ["conversations.invite"] = 3,
        ["chat.update"] = 3,
        ["users.lookupByEmail"] = 3,
        ["chat.postEphemeral"] = 4,
        ["users.info"] = 4,
        ["views.open"] = 4,
    };

    private static readonly int[] PerMinute = [0, 1, 20, 50, 100];

    private readonly ConcurrentDictionary<string, RateLimiter> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimiter> _channels = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="method"/> (and, for posts, <paramref name="channel"/>) may be called.</summary>
    public async ValueTask WaitAsync(string method, string? channel, CancellationToken cancellationToken)
    {
        if (Tiers.TryGetValue(method, out var tier))
        {
            using var lease = await _methods.GetOrAdd(method, _ => Window(PerMinute[tier], TimeSpan.FromMinutes(1), segments: 6)).AcquireAsync(1, cancellationToken);
        }
        if (method == "chat.postMessage" && channel is not null)
        {
            using var lease = await _channels.GetOrAdd(channel, _ => Window(1, TimeSpan.FromSeconds(1), segments: 1)).AcquireAsync(1, cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var limiter in _methods.Values.Concat(_channels.Values))
        {
            limiter.Dispose();
        }
    }

    private static SlidingWindowRateLimiter Window(int permits, TimeSpan window, int segments) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = window,
        SegmentsPerWindow = segments,
        QueueLimit = 10_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
}
