using System.Globalization;
using IncidentBot.Storage;

namespace IncidentBot.Slack;

/// <summary>
/// Everything the Slack adapter remembers across restarts (in <see cref="IPlatformReferenceStore"/>), each with its
/// key. All of it belongs to an incident and lasts as long as the incident does.
/// </summary>
internal static class SlackReferences
{
    /// <summary>Key: the incident number. The channel created for the incident, remembered the moment it exists.</summary>
    public static readonly PlatformReference<SlackIncidentChannel> Channel = new("slack", "channel");

    /// <summary>Key: a channel id. The incident the channel was created for.</summary>
    public static readonly PlatformReference<SlackChannelIncident> IncidentOfChannel = new("slack", "incident-of");

    /// <summary>Key: a channel id. The topic last set, so an unchanged one is not set again.</summary>
    public static readonly PlatformReference<SlackTopicText> Topic = new("slack", "topic");

    /// <summary>Key: the incident number. The alert links were bookmarked in this channel (done once).</summary>
    public static readonly PlatformReference<SlackIncidentStep> Bookmarked = new("slack", "bookmarked");

    /// <summary>Key: the incident number. The channel was announced in <c>Slack:AnnounceChannel</c> (done once).</summary>
    public static readonly PlatformReference<SlackIncidentStep> Announced = new("slack", "announced");

    /// <summary>Key: a channel id. The incident summary pinned in the channel (done once).</summary>
    public static readonly PlatformReference<SlackMessageRef> Pinned = new("slack", "pinned");

    /// <summary>Key: <see cref="UpdateMessageKey"/>. The message an update key edits in place.</summary>
    public static readonly PlatformReference<SlackMessageRef> UpdateMessage = new("slack", "update-message");

    public static string IncidentKey(int incidentNumber) => incidentNumber.ToString(CultureInfo.InvariantCulture);

    /// <summary>A channel id and a message's update key: Slack channel ids never contain the ':' between them.</summary>
    public static string UpdateMessageKey(string channelId, string updateKey) => $"{channelId}:{updateKey}";
}

internal sealed record SlackIncidentChannel(string Id, string Name);

internal sealed record SlackChannelIncident(int IncidentNumber);

internal sealed record SlackTopicText(string Text);

/// <summary>A step done once for an incident, and the channel it was done for.</summary>
internal sealed record SlackIncidentStep(string ChannelId);

/// <summary>A message, by its <c>ts</c>.</summary>
internal sealed record SlackMessageRef(string Ts);
