using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.WebConsole;

/// <summary>
/// The built-in web chat as a chat platform like Slack or Teams: each incident's room is its channel, and the
/// bot's messages arrive through the same outbox. It holds no incident logic.
/// </summary>
internal sealed class WebChatPlatform(IRoomMessageStore rooms, IChangeFeed changes, TimeProvider time) : IChatChannelProvisioner, IChatMessageSender
{
    public const string Name = "web";

    public string Platform => Name;

    public Task<ChannelBinding> OpenChannelAsync(Incident incident, CancellationToken cancellationToken) =>
        Task.FromResult(new ChannelBinding(Name, incident.Reference, $"{incident.Reference} room"));

    public async Task SendAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken)
    {
        var number = message.IncidentNumber ?? int.Parse(channel.Id.AsSpan(4));
        await AppendAsync(new RoomMessage
        {
            IncidentNumber = number,
            At = time.GetUtcNow(),
            Author = IncidentService.BotActor,
            MessageJson = message.ToJson(),
        }, cancellationToken);
    }

    /// <summary>What a person typed in a room, shown to everyone in it.</summary>
    public Task SaidByPersonAsync(int incidentNumber, string user, string text, CancellationToken cancellationToken) =>
        AppendAsync(new RoomMessage { IncidentNumber = incidentNumber, At = time.GetUtcNow(), Author = StorableText.Clean(user), Text = StorableText.Clean(text) }, cancellationToken);

    private async Task AppendAsync(RoomMessage message, CancellationToken cancellationToken)
    {
        await rooms.AppendAsync(message, cancellationToken);
        // Every replica's browsers in the room read it from the store.
        changes.Publish(Change.RoomMessageAdded(message.IncidentNumber, message.Id));
    }
}
