namespace IncidentBot.Storage;

/// <summary>The built-in web chat's rooms: what the bot and people said in each incident, in order.</summary>
public interface IRoomMessageStore
{
    /// <summary>Appends the message and assigns its id: ids grow in the order messages were appended.</summary>
    ValueTask AppendAsync(RoomMessage message, CancellationToken cancellationToken = default);

    /// <summary>The room's messages after <paramref name="afterId"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<RoomMessage>> RoomOfAsync(int incidentNumber, long afterId = 0, int limit = 1000, CancellationToken cancellationToken = default);
}

/// <summary>One message in an incident's web room: from the bot (a neutral message as JSON) or from a person (text).</summary>
public sealed class RoomMessage
{
    public long Id { get; set; }

    public int IncidentNumber { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The person, or <c>incidentbot</c>.</summary>
    public string Author { get; set; } = "";

    /// <summary>What a person typed; null for the bot's messages.</summary>
    public string? Text { get; set; }

    /// <summary>The bot's <c>ChatMessage</c> as JSON; null for people's messages.</summary>
    public string? MessageJson { get; set; }
}
