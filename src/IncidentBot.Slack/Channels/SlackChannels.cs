using IncidentBot.Storage;

namespace IncidentBot.Slack.Channels;

/// <summary>Which incident a Slack channel belongs to, remembered when the channel is created.</summary>
internal sealed class SlackChannels(IPlatformReferenceStore references)
{
    public static string IncidentKey(string channelId) => $"slack:incident-of:{channelId}";

    public async Task<int?> IncidentOfAsync(string? channelId, CancellationToken cancellationToken) =>
        channelId is not null && int.TryParse(await references.FindReferenceAsync(IncidentKey(channelId), cancellationToken), out var number) ? number : null;
}
