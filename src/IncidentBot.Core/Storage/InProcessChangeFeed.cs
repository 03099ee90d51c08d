using System.Collections.Concurrent;

namespace IncidentBot.Storage;

/// <summary>
/// The change feed of a bot that runs as one process (LiteDB): a change goes straight to this process's subscribers,
/// on the publisher's thread. There are no other replicas to tell.
/// </summary>
public sealed class InProcessChangeFeed : IChangeFeed
{
    private readonly ConcurrentDictionary<Guid, Action<Change>> _subscribers = new();

    public void Publish(Change change) => Deliver(change);

    public IDisposable Subscribe(Action<Change> onChange)
    {
        var id = Guid.NewGuid();
        _subscribers[id] = onChange;
        return new Unsubscriber(() => _subscribers.TryRemove(id, out _));
    }

    /// <summary>Hands <paramref name="change"/> to every subscriber of this process (also used by feeds that span replicas).</summary>
    public void Deliver(Change change)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber(change);
        }
    }

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
