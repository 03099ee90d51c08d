using IncidentBot.Storage;

namespace IncidentBot.Slack.Channels;

/// <summary>Which incident a Slack channel belongs to, remembered when the channel is created.</summary>
internal sealed class SlackChannels(IPlatformReferenceStore references)
{
    public async Task<int?> IncidentOfAsync(string? channelId, CancellationToken cancellationToken) =>
        channelId is null ? null : (await references.FindAsync(SlackReferences.IncidentOfChannel, channelId, cancellationToken))?.IncidentNumber;
}
