using IncidentBot.Chat.Platforms;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>Remembers where the incident is discussed on a platform, once the platform made the channel.</summary>
    public Task<IncidentResult> BindChannelAsync(int number, ChannelBinding channel, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            incident.Channels.RemoveAll(c => c.Platform == channel.Platform);
            incident.Channels.Add(channel);
            tx.Record(incident, BotActor, TimelineKinds.ChannelOpened, $"{channel.Platform} channel {channel.Name} is open");
            return null;
        }, cancellationToken);

    /// <summary>A platform refused for good: the incident goes on, and its timeline says what could not be done.</summary>
    public Task<IncidentResult> RecordChatFailureAsync(int number, string platform, string problem, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            tx.Record(incident, BotActor, TimelineKinds.ChatFailure, $"{platform}: {problem}");
            return null;
        }, cancellationToken);
}
