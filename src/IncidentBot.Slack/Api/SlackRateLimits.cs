using System.Collections.Concurrent;

namespace IncidentBot.Slack.Api;

/// <summary>
/// Slack's published limits, applied before each call so we wait instead of being refused: a budget per method
/// per minute (its tier), and at most one message per second per channel.
/// </summary>
internal sealed class SlackRateLimits
{
    private static readonly int[] PerMinute = [0, 1, 20, 50, 100];

    // A little slack on top of Slack's own windows, so clock differences never push a call over the line.
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, RollingWindow> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RollingWindow> _channels = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until <paramref name="method"/> (and, for posts, <paramref name="channel"/>) may be called. Dispose
    /// the answer when the call has returned: that moment is what counts against the windows.
    /// </summary>
    public async ValueTask<IDisposable> WaitAsync(string method, string? channel, CancellationToken cancellationToken)
    {
        var call = new Call();
        try
        {
            if (SlackMethods.Get(method).Tier is { } tier)
            {
                await _methods.GetOrAdd(method, _ => new RollingWindow(PerMinute[tier], TimeSpan.FromMinutes(1) + Margin)).WaitAsync(call, cancellationToken);
            }
            if (method == "chat.postMessage" && channel is not null)
            {
                await _channels.GetOrAdd(channel, _ => new RollingWindow(1, TimeSpan.FromSeconds(1) + Margin)).WaitAsync(call, cancellationToken);
            }
            return call;
        }
        catch
        {
            // Cancelled while waiting for the channel: the method window already holds it, and must not forever.
            call.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One call. Slack counts it somewhere between our sending it and its answer arriving, and under load that
    /// can be far from either end, so it counts here from its answer, the latest moment Slack can have counted
    /// it. Until then it holds its place in every window it entered.
    /// </summary>
    private sealed class Call : IDisposable
    {
        public DateTime? AnsweredAt { get; private set; }

        public void Dispose() => AnsweredAt ??= DateTime.UtcNow;
    }

    /// <summary>
    /// At most <c>limit</c> calls in any window of that length, counted the way Slack counts (a rolling window).
    /// The fixed and segmented windows of System.Threading.RateLimiting can let two calls through a few
    /// milliseconds apart at a window edge, which Slack answers with 429.
    /// </summary>
    private sealed class RollingWindow(int limit, TimeSpan window)
    {
        private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(20);

        private readonly SemaphoreSlim _turn = new(1, 1);
        private readonly Queue<Call> _recent = new();

        public async Task WaitAsync(Call call, CancellationToken cancellationToken)
        {
            await _turn.WaitAsync(cancellationToken);
            try
            {
                while (true)
                {
                    var now = DateTime.UtcNow;
                    while (_recent.TryPeek(out var oldest) && oldest.AnsweredAt is { } answered && now - answered >= window)
                    {
                        _recent.Dequeue();
                    }
                    if (_recent.Count < limit)
                    {
                        break;
                    }
                    var head = _recent.Peek();
                    await Task.Delay(head.AnsweredAt is { } at ? at + window - now : InFlightPoll, cancellationToken);
                }
                _recent.Enqueue(call);
            }
            finally
            {
                _turn.Release();
            }
        }
    }
}
