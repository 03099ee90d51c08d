using System.Collections.Concurrent;
using System.Threading.Channels;
using IncidentBot.Incidents;

namespace IncidentBot.WebConsole;

/// <summary>
/// Live updates for open browsers: which incidents changed, and new room messages. Each browser gets its own
/// bounded queue; a browser that stops reading loses old updates (it refetches), never slows the bot.
/// </summary>
internal sealed class ConsoleEvents : IIncidentObserver
{
    private readonly ConcurrentDictionary<Guid, Channel<ConsoleEvent>> _subscribers = new();

    public void IncidentsChanged(IReadOnlyCollection<Incident> changed)
    {
        foreach (var incident in changed)
        {
            Publish(new ConsoleEvent("incident", incident.Number, null));
        }
    }

    public void Publish(ConsoleEvent update)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Writer.TryWrite(update);
        }
    }

    /// <summary>A queue of the updates from now on, for one stream; disposing it stops the updates.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<ConsoleEvent>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        var id = Guid.NewGuid();
        _subscribers[id] = channel;
        return new Subscription(channel.Reader, () => _subscribers.TryRemove(id, out _));
    }

    /// <summary>One stream's updates.</summary>
    public sealed class Subscription(ChannelReader<ConsoleEvent> updates, Action unsubscribe) : IDisposable
    {
        public ChannelReader<ConsoleEvent> Updates { get; } = updates;

        public void Dispose() => unsubscribe();
    }
}

/// <summary>One live update: <c>incident</c> (refetch it) or <c>room</c> (a new room message, <see cref="Message"/>).</summary>
internal sealed record ConsoleEvent(string Type, int IncidentNumber, RoomMessageResponse? Message);
