using IncidentBot.Incidents;

namespace IncidentBot.Chat.Platforms;

/// <summary>A chat platform that can give an incident a place to talk (a channel, a thread, a room).</summary>
public interface IChatChannelProvisioner
{
    /// <summary>The platform's name, e.g. <c>slack</c>; outbox items are addressed by it.</summary>
    string Platform { get; }

    /// <summary>Creates (or finds, when retried) the incident's channel. Throws <see cref="ChatDeliveryException"/> on failure.</summary>
    Task<ChannelBinding> OpenChannelAsync(Incident incident, CancellationToken cancellationToken);
}
