namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>Slack's per-method tier budgets over a rolling minute, and chat.postMessage's one message per second per channel.</summary>
internal sealed class FakeSlackRateLimiter(double tierMultiplier)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PerChannelInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Queue<DateTimeOffset>> _methodCalls = [];
    private readonly Dictionary<string, DateTimeOffset> _lastPostPerChannel = [];

    /// <summary>Calls per minute for each tier, as in Slack's rate-limit documentation.</summary>
    public static int TierBudget(int tier) => tier switch
    {
        1 => 1,
        2 => 20,
        3 => 50,
        4 => 100,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Slack tiers are 1 to 4."),
    };

    /// <summary>Admits the call and counts it, or returns the whole seconds to wait (the Retry-After value).</summary>
    /// <param name="tier">Null for chat.postMessage, whose "special" limit is per channel.</param>
    /// <remarks>Not thread-safe: callers hold the state lock.</remarks>
    public int? TryAdmit(string method, int? tier, string? channel, DateTimeOffset now)
    {
        if (tier is null)
        {
            return channel is null ? null : TryAdmitPost(channel.TrimStart('#'), now);
        }

        if (!_methodCalls.TryGetValue(method, out var calls))
        {
            _methodCalls[method] = calls = new Queue<DateTimeOffset>();
        }

        while (calls.Count > 0 && calls.Peek() <= now - Window)
        {
            calls.Dequeue();
        }

        var budget = Math.Max(1, (int)Math.Round(TierBudget(tier.Value) * tierMultiplier));
        if (calls.Count >= budget)
        {
            return SecondsUntil(calls.Peek() + Window, now);
        }

        calls.Enqueue(now);
        return null;
    }

    private int? TryAdmitPost(string channel, DateTimeOffset now)
    {
        if (_lastPostPerChannel.TryGetValue(channel, out var last) && now - last < PerChannelInterval)
        {
            // Slack always answers this limit with Retry-After: 1.
            return 1;
        }

        _lastPostPerChannel[channel] = now;
        return null;
    }

    private static int SecondsUntil(DateTimeOffset freeAt, DateTimeOffset now) =>
        Math.Max(1, (int)Math.Ceiling((freeAt - now).TotalSeconds));
}
