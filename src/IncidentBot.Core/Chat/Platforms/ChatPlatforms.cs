namespace IncidentBot.Chat.Platforms;

/// <summary>The chat platforms switched on in this process, by name.</summary>
public sealed class ChatPlatforms(IEnumerable<IChatChannelProvisioner> provisioners, IEnumerable<IChatMessageSender> senders)
{
    private readonly Dictionary<string, IChatChannelProvisioner> _provisioners = provisioners.ToDictionary(p => p.Platform, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IChatMessageSender> _senders = senders.ToDictionary(s => s.Platform, StringComparer.OrdinalIgnoreCase);

    /// <summary>Platforms that open a channel per incident; every incident message goes to each of them.</summary>
    public IReadOnlyCollection<string> Names => _provisioners.Keys;

    public IChatChannelProvisioner? ProvisionerFor(string platform) => _provisioners.GetValueOrDefault(platform);

    public IChatMessageSender? SenderFor(string platform) => _senders.GetValueOrDefault(platform);
}
