using IncidentBot.Incidents;

namespace IncidentBot.Chat.Platforms;

/// <summary>A chat platform that can post a neutral message into an incident's channel, rendering it its own way.</summary>
public interface IChatMessageSender
{
    string Platform { get; }

    /// <summary>Posts the message. Throws <see cref="ChatDeliveryException"/> on failure.</summary>
    Task SendAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken);
}
