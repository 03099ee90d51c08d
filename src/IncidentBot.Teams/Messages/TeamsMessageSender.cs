using IncidentBot.Catalog;
using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Teams.Api;
using IncidentBot.Teams.Channels;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Teams.Messages;

/// <summary>
/// Posts neutral messages as Adaptive Cards into an incident's Teams thread. A message with an update key (a
/// runbook's current step) replaces its earlier card in place, so the thread shows one live step card.
/// </summary>
internal sealed class TeamsMessageSender(
    BotConnectorClient connector,
    TeamsConversations conversations,
    IPlatformReferenceStore references,
    IConsoleLinks console,
    TeamsOwningTeam owningTeam,
    TeamCallOutcomes teamCalls,
    ILogger<TeamsMessageSender> logger) : IChatMessageSender
{
    public string Platform => TeamsChannelProvisioner.Name;

    public async Task SendAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken)
    {
        if (message.Blocks.OfType<TeamCallBlock>().FirstOrDefault() is { } call)
        {
            await CallTeamAsync(channel, message, call, cancellationToken);
            return;
        }
        await PostAsync(channel, message, cancellationToken);
    }

    /// <summary>The owning team first (its own channel), then the incident's thread says so; the outcome goes on the timeline.</summary>
    private async Task CallTeamAsync(ChannelBinding channel, ChatMessage message, TeamCallBlock call, CancellationToken cancellationToken)
    {
        if (call.TeamsTeam is null)
        {
            // Not Teams' to reach: nothing to say in the thread, one line on the timeline.
            await teamCalls.RecordAsync(message.IncidentNumber, Platform, TeamsOwningTeam.NotInCatalog(call), failed: false, CancellationToken.None);
            return;
        }
        (TeamCallBlock Shown, string Outcome, bool Failed) done;
        try
        {
            done = await owningTeam.CallAsync(channel, message.IncidentNumber, call, cancellationToken);
        }
        catch (TeamsApiException ex)
        {
            throw ex.ToDelivery();
        }
        await PostAsync(channel, message with { Blocks = message.Blocks.Select(b => ReferenceEquals(b, call) ? done.Shown : b).ToList() }, cancellationToken);
        await teamCalls.RecordAsync(message.IncidentNumber, Platform, done.Outcome, done.Failed, CancellationToken.None);
    }

    private async Task PostAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken)
    {
        foreach (var mention in message.Blocks.OfType<MentionBlock>().Where(m => m.Email is null))
        {
            logger.LogInformation("{Person} has no e-mail, so Teams names them as text without a mention", mention.Handle);
        }
        var activity = AdaptiveCardMessageRenderer.Activity(message, message.IncidentNumber is { } number ? console.Incident(number) : null);
        // A key too long to store would fail after posting, and the outbox would post again: such a card is posted anew.
        var updateKey = message.UpdateKey is null ? null : TeamsReferences.UpdateActivityKey(channel.Id, message.UpdateKey);
        updateKey = updateKey is not null && PlatformReference.IsStorableKey(updateKey) ? updateKey : null;
        try
        {
            if (updateKey is not null && (await references.FindAsync(TeamsReferences.UpdateActivity, updateKey, cancellationToken))?.Id is { } activityId)
            {
                await connector.UpdateAsync(await conversations.ServiceUrlForAsync(channel.Id, cancellationToken), channel.Id, activityId, activity, cancellationToken);
                return;
            }
            var id = await connector.SendAsync(await conversations.ServiceUrlForAsync(channel.Id, cancellationToken), channel.Id, activity, cancellationToken);
            if (updateKey is not null)
            {
                await references.SaveAsync(TeamsReferences.UpdateActivity, updateKey, new TeamsActivity(id), message.IncidentNumber, CancellationToken.None);
            }
        }
        catch (TeamsApiException ex)
        {
            throw ex.ToDelivery();
        }
    }
}
