using IncidentBot.Catalog;
using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Channels;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Messages;

/// <summary>
/// Posts neutral messages into incident channels as Block Kit. A message with an update key (a runbook's current
/// step) edits the earlier one in place with <c>chat.update</c>, so a busy incident does not flood the channel.
/// The first summary is pinned; the topic follows the incident.
/// </summary>
internal sealed class SlackMessageSender(
    SlackWebApiClient slack,
    SlackTopic topic,
    SlackResponders responders,
    IPlatformReferenceStore references,
    IIncidentStore incidents,
    IConsoleLinks console,
    SlackOwningTeam owningTeam,
    TeamCallOutcomes teamCalls,
    ILogger<SlackMessageSender> logger) : IChatMessageSender
{
    public string Platform => SlackChannelProvisioner.Name;

    public async Task SendAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken)
    {
        string ts;
        (string Outcome, bool Failed)? teamCall = null;
        try
        {
            if (message.Blocks.OfType<TeamCallBlock>().FirstOrDefault() is { } call)
            {
                if (call.SlackUsergroup is null)
                {
                    // Not Slack's to reach: nothing to say in the channel, one line on the timeline.
                    await teamCalls.RecordAsync(message.IncidentNumber, Platform, SlackOwningTeam.NotInCatalog(call), failed: false, CancellationToken.None);
                    return;
                }
                var (shown, outcome, failed) = await owningTeam.CallAsync(channel.Id, call, cancellationToken);
                message = message with { Blocks = message.Blocks.Select(b => ReferenceEquals(b, call) ? shown : b).ToList() };
                teamCall = (outcome, failed);
            }
            ts = await PostOrUpdateAsync(channel.Id, message, cancellationToken);
        }
        catch (SlackApiException ex)
        {
            throw SlackFailures.ToDelivery(ex);
        }
        // Once the message is posted nothing may fail the delivery, or the outbox would post it a second time.
        if (teamCall is { } done)
        {
            await teamCalls.RecordAsync(message.IncidentNumber, Platform, done.Outcome, done.Failed, CancellationToken.None);
        }
        try
        {
            if (message.Kind == MessageKind.IncidentSummary && await references.TryAddAsync(SlackReferences.Pinned, channel.Id, new SlackMessageRef(ts), message.IncidentNumber, cancellationToken))
            {
                await slack.PinAsync(channel.Id, ts, cancellationToken);
            }
            if (message.IncidentNumber is { } number && await incidents.FindAsync(number, cancellationToken) is { } incident)
            {
                await topic.RefreshAsync(incident, channel.Id, cancellationToken);
            }
        }
        catch (SlackApiException ex)
        {
            logger.LogWarning("Posted in {Channel}, but could not {Method}: {Error}", channel.Id, ex.Method, ex.Error);
        }
        // Stopping (a rolling restart) cancels a pin or topic change waiting for its rate limit, and the store may
        // fail: neither may fail a delivery Slack already shows, or the outbox would send it again (a second post,
        // or the same edit twice). The topic is set again with the next message.
        catch (Exception ex)
        {
            logger.LogWarning("Posted in {Channel}, but could not pin it or refresh the topic: {Problem}", channel.Id, ex.Message);
        }
    }

    private async Task<string> PostOrUpdateAsync(string channel, ChatMessage message, CancellationToken cancellationToken)
    {
        var text = BlockKitRenderer.FallbackText(message);
        var slackUsers = await responders.PullInAsync(channel, message.Blocks.OfType<MentionBlock>().ToList(), cancellationToken);
        var blocks = BlockKitRenderer.Blocks(message, message.IncidentNumber is { } number ? console.Incident(number) : null, slackUsers);
        // A key too long to store would fail after posting, and the outbox would post again: such a message is posted anew.
        var updateKey = message.UpdateKey is null ? null : SlackReferences.UpdateMessageKey(channel, message.UpdateKey);
        updateKey = updateKey is not null && PlatformReference.IsStorableKey(updateKey) ? updateKey : null;
        if (updateKey is not null && (await references.FindAsync(SlackReferences.UpdateMessage, updateKey, cancellationToken))?.Ts is { } ts)
        {
            try
            {
                await slack.UpdateMessageAsync(channel, ts, text, blocks.DeepClone().AsArray(), cancellationToken);
                return ts;
            }
            catch (SlackApiException ex) when (ex.Error is "message_not_found" or "cant_update_message")
            {
                logger.LogInformation("Slack message {Ts} can no longer be edited; posting a new one", ts);
            }
        }
        var newTs = await slack.PostMessageAsync(channel, text, blocks, cancellationToken);
        if (updateKey is not null)
        {
            await references.SaveAsync(SlackReferences.UpdateMessage, updateKey, new SlackMessageRef(newTs), message.IncidentNumber, CancellationToken.None);
        }
        return newTs;
    }

}
