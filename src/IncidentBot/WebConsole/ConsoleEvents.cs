using System.Collections.Concurrent;
using System.Threading.Channels;
using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.WebConsole;

/// <summary>
/// Live updates for open browsers: which incidents changed, new room messages, and "refetch everything" after changes
/// may have been missed. Changes come from the <see cref="IChangeFeed"/>, so a change made through any replica reaches
/// the browsers connected to this one; this class publishes the incident changes of its own replica to the feed.
/// A room message is read from the store by its id (the feed never carries what anybody wrote). Each browser gets its
/// own bounded queue; a browser that stops reading loses old updates (it refetches), never slows the bot.
/// </summary>
internal sealed class ConsoleEvents : BackgroundService, IIncidentObserver
{
    private readonly ConcurrentDictionary<Guid, Channel<ConsoleEvent>> _subscribers = new();
    private readonly IChangeFeed _feed;
    private readonly IRoomMessageStore _rooms;
    private readonly ILogger<ConsoleEvents> _logger;
    private readonly Channel<Change> _changes;
    private readonly IDisposable _subscription;
    private volatile bool _missedChanges;

    public ConsoleEvents(IChangeFeed feed, IRoomMessageStore rooms, ILogger<ConsoleEvents> logger)
    {
        _feed = feed;
        _rooms = rooms;
        _logger = logger;
        // The feed's callbacks must return at once; a storm that outruns this replica costs the browsers a refetch.
        _changes = Channel.CreateBounded<Change>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => _missedChanges = true);
        _subscription = feed.Subscribe(change => _changes.Writer.TryWrite(change));
    }

    public void IncidentsChanged(IReadOnlyCollection<Incident> changed)
    {
        foreach (var incident in changed)
        {
            _feed.Publish(Change.IncidentChanged(incident.Number));
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
            {
                if (_missedChanges)
                {
                    _missedChanges = false;
                    Publish(ConsoleEvent.Resync);
                }
                await HandleAsync(change, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    private async Task HandleAsync(Change change, CancellationToken cancellationToken)
    {
        switch (change.Kind)
        {
            case ChangeKind.Incident:
                Publish(new ConsoleEvent("incident", change.IncidentNumber, null));
                break;
            case ChangeKind.RoomMessage:
                try
                {
                    var found = await _rooms.RoomOfAsync(change.IncidentNumber, change.MessageId - 1, 1, cancellationToken);
                    if (found is [var message] && message.Id == change.MessageId)
                    {
                        Publish(new ConsoleEvent("room", change.IncidentNumber, RoomMessageResponse.From(message)));
                    }
                    else
                    {
                        _logger.LogWarning("Room message {MessageId} of incident {IncidentNumber} was announced but is not stored; browsers refetch the room", change.MessageId, change.IncidentNumber);
                        Publish(new ConsoleEvent("room", change.IncidentNumber, null));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _logger.LogWarning("Could not read room message {MessageId} of incident {IncidentNumber} ({Reason}); browsers refetch the room", change.MessageId, change.IncidentNumber, ex.Message);
                    Publish(new ConsoleEvent("room", change.IncidentNumber, null));
                }
                break;
            case ChangeKind.Resync:
                Publish(ConsoleEvent.Resync);
                break;
        }
    }

    private void Publish(ConsoleEvent update)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Writer.TryWrite(update);
        }
    }

    /// <summary>One stream's updates.</summary>
    public sealed class Subscription(ChannelReader<ConsoleEvent> updates, Action unsubscribe) : IDisposable
    {
        public ChannelReader<ConsoleEvent> Updates { get; } = updates;

        public void Dispose() => unsubscribe();
    }
}

/// <summary>
/// One live update: <c>incident</c> (refetch it), <c>room</c> (a new room message, <see cref="Message"/>; without one,
/// refetch the room) or <c>resync</c> (changes may have been missed: refetch everything shown).
/// </summary>
internal sealed record ConsoleEvent(string Type, int IncidentNumber, RoomMessageResponse? Message)
{
    public static ConsoleEvent Resync { get; } = new("resync", 0, null);
}
