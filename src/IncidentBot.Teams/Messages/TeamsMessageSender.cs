using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Teams.Api;
using IncidentBot.Teams.Channels;

namespace IncidentBot.Teams.Messages;

/// <summary>
/// Posts neutral messages as Adaptive Cards into an incident's Teams thread. A message with an update key (a
/// runbook's current step) replaces its earlier card in place, so the thread shows one live step card.
/// </summary>
internal sealed class TeamsMessageSender(BotConnectorClient connector, TeamsConversations conversations, IPlatformReferenceStore references, IConsoleLinks console) : IChatMessageSender
{
    public string Platform => TeamsChannelProvisioner.Name;

    public async Task SendAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken)
    {
        var activity = AdaptiveCardMessageRenderer.Activity(message, message.IncidentNumber is { } number ? console.Incident(number) : null);
        var updateKey = message.UpdateKey is null ? null : TeamsReferences.UpdateActivityKey(channel.Id, message.UpdateKey);
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
