using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Messages;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Channels;

/// <summary>
/// Gives an incident its Slack channel: creates it (a suffix when the name is taken), invites the configured
/// responders, sets the topic, bookmarks the alert links and announces it. Safe to retry: the channel id is
/// remembered the moment it exists, so a retry never creates a second one.
/// </summary>
internal sealed class SlackChannelProvisioner(
    SlackWebApiClient slack,
    SlackResponders responders,
    SlackTopic topic,
    IPlatformReferenceStore references,
    IIncidentStore incidents,
    IOptions<SlackOptions> options,
    ILogger<SlackChannelProvisioner> logger) : IChatChannelProvisioner
{
    public const string Name = "slack";

    public string Platform => Name;

    public async Task<ChannelBinding> OpenChannelAsync(Incident incident, CancellationToken cancellationToken)
    {
        try
        {
            var (id, name) = await CreateOnceAsync(incident, cancellationToken);
            var channel = new ChannelBinding(Name, id, $"#{name}");
            await OptionalAsync("invite responders", () => responders.InviteAsync(incident, id, cancellationToken));
            await OptionalAsync("set the topic", () => topic.RefreshAsync(incident, id, cancellationToken));
            await OptionalAsync("set the purpose", () => slack.SetPurposeAsync(id, SlackText.Escape($"{incident.Reference}: {incident.Title}. Work it here with /incident.", 250), cancellationToken));
            await OptionalAsync("bookmark alert links", () => BookmarkOnceAsync(incident, id, cancellationToken));
            await OptionalAsync("announce", () => AnnounceOnceAsync(incident, id, cancellationToken));
            return channel;
        }
        catch (SlackApiException ex)
        {
            throw SlackFailures.ToDelivery(ex);
        }
    }

    private async Task<(string Id, string Name)> CreateOnceAsync(Incident incident, CancellationToken cancellationToken)
    {
        var key = SlackReferences.IncidentKey(incident.Number);
        if (await references.FindAsync(SlackReferences.Channel, key, cancellationToken) is { } remembered)
        {
            return (remembered.Id, remembered.Name);
        }
        for (var attempt = 1; ; attempt++)
        {
            var name = SlackChannelNames.For(incident, attempt);
            try
            {
                var id = await slack.CreateConversationAsync(name, isPrivate: false, cancellationToken);
                // Remembered even when stopping: the channel exists now, and a retry must not create a second one.
                await references.SaveAsync(SlackReferences.Channel, key, new SlackIncidentChannel(id, name), incident.Number, CancellationToken.None);
                await references.SaveAsync(SlackReferences.IncidentOfChannel, id, new SlackChannelIncident(incident.Number), incident.Number, CancellationToken.None);
                logger.LogInformation("Created Slack channel #{Name} ({Id}) for {Incident}", name, id, incident.Reference);
                return (id, name);
            }
            catch (SlackApiException ex) when (ex.Error == "name_taken" && attempt < 20)
            {
                logger.LogInformation("Slack channel name #{Name} is taken; trying the next suffix", name);
            }
        }
    }

    private async Task BookmarkOnceAsync(Incident incident, string channel, CancellationToken cancellationToken)
    {
        if (!await references.TryAddAsync(SlackReferences.Bookmarked, SlackReferences.IncidentKey(incident.Number), new SlackIncidentStep(channel), incident.Number, cancellationToken))
        {
            return;
        }
        var links = (await incidents.AlertsOfAsync(incident.Number, cancellationToken)).SelectMany(a => a.Links).DistinctBy(l => l.Url).ToList();
        // A bookmark is a link people click: only the targets every other renderer would link may become one.
        foreach (var unsafeLink in links.Where(l => !LinkPolicy.IsSafe(l.Url)))
        {
            logger.LogWarning("Not bookmarking alert link {Url} of {Incident}: only absolute http, https and mailto addresses become links", unsafeLink.Url, incident.Reference);
        }
        foreach (var link in links.Where(l => LinkPolicy.IsSafe(l.Url)).Take(5))
        {
            await slack.AddBookmarkAsync(channel, SlackText.Escape(link.Title), link.Url, cancellationToken);
        }
    }

    private async Task AnnounceOnceAsync(Incident incident, string channel, CancellationToken cancellationToken)
    {
        var announce = options.Value.AnnounceChannel;
        if (string.IsNullOrWhiteSpace(announce) || !await references.TryAddAsync(SlackReferences.Announced, SlackReferences.IncidentKey(incident.Number), new SlackIncidentStep(channel), incident.Number, cancellationToken))
        {
            return;
        }
        var text = $"{IncidentMessages.DrillPrefix(incident)}:rotating_light: *{incident.Reference}* · {incident.Severity.Display()} · {SlackText.Escape(incident.Title)} — join <#{channel}>";
        await slack.PostMessageAsync(announce.TrimStart('#'), text, blocks: null, cancellationToken);
    }

    /// <summary>
    /// The channel is what matters at 3 a.m.: a failed invite, topic or bookmark is logged and the incident goes
    /// on; a rate limit still pauses the whole step so the outbox retries it later.
    /// </summary>
    private async Task OptionalAsync(string what, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (SlackApiException ex) when (ex.Error != "ratelimited")
        {
            logger.LogWarning("Could not {What} in Slack: {Error}", what, ex.Error);
        }
    }
}
