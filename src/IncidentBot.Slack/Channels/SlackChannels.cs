using IncidentBot.Storage;

namespace IncidentBot.Slack.Channels;

/// <summary>Which incident a Slack channel belongs to, remembered when the channel is created.</summary>
internal sealed class SlackChannels(IPlatformReferenceStore references)
{
    public static string IncidentKey(string channelId) => $"slack:incident-of:{channelId}";

    public int? IncidentOf(string? channelId) =>
        channelId is not null && int.TryParse(references.FindReference(IncidentKey(channelId)), out var number) ? number : null;
}
