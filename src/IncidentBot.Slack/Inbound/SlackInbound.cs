using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Chat.Commands;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Channels;
using IncidentBot.Slack.Messages;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Turns what Slack sends (events, slash commands, button presses, modal submissions), over HTTP or Socket Mode,
/// into chat commands. Channel messages reach Slack through the outbox; answers meant only for the person who
/// asked are sent as ephemeral messages.
/// </summary>
internal sealed class SlackInbound(
    ChatCommandHandler commands,
    SlackWebApiClient slack,
    SlackUsers users,
    SlackChannels channels,
    IPlatformReferenceStore references,
    SlackDeclareModal modal,
    ILogger<SlackInbound> logger)
{
    /// <summary>An Events API callback; a delivery seen before (same <c>event_id</c>) is ignored.</summary>
    public async Task HandleEventAsync(JsonObject callback, CancellationToken cancellationToken)
    {
        var eventId = callback["event_id"]?.GetValue<string>();
        if (eventId is null || !references.TryAddReference($"slack:event:{eventId}", DateTimeOffset.UtcNow.ToString("O")))
        {
            logger.LogInformation("Slack event {EventId} was already handled; ignoring the redelivery", eventId);
            return;
        }
        var inner = callback["event"] as JsonObject;
        if (inner?["type"]?.GetValue<string>() != "app_mention" || inner["bot_id"] is not null)
        {
            return;
        }
        // An app_mention starts with the mention of the bot itself; what follows is the command.
        var raw = (inner["text"]?.GetValue<string>() ?? "").TrimStart();
        var end = raw.IndexOfAny(['>', '|']);
        var botUser = raw.StartsWith("<@", StringComparison.Ordinal) && end > 2 ? raw[2..end] : null;
        var text = await users.ReadableAsync(raw, botUser, cancellationToken);
        var userId = inner["user"]?.GetValue<string>() ?? "unknown";
        var channel = inner["channel"]?.GetValue<string>();
        await RunAsync(userId, null, text, channel, responseUrl: null, cancellationToken);
    }

    /// <summary>The <c>/incident</c> slash command; <c>declare</c> with no title opens the declare form.</summary>
    public async Task HandleSlashCommandAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        var text = form.GetValueOrDefault("text", "").Trim();
        var userId = form.GetValueOrDefault("user_id", "unknown");
        if (text.Equals("declare", StringComparison.OrdinalIgnoreCase) && form.GetValueOrDefault("trigger_id") is { Length: > 0 } trigger)
        {
            await modal.OpenAsync(trigger, cancellationToken);
            return;
        }
        await RunAsync(userId, form.GetValueOrDefault("user_name"), text, form.GetValueOrDefault("channel_id"), form.GetValueOrDefault("response_url"), cancellationToken);
    }

    /// <summary>Button presses run the command in the button's value; the declare form declares.</summary>
    public async Task HandleInteractionAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var userId = payload["user"]?["id"]?.GetValue<string>() ?? "unknown";
        var userName = payload["user"]?["username"]?.GetValue<string>() ?? payload["user"]?["name"]?.GetValue<string>();
        switch (payload["type"]?.GetValue<string>())
        {
            case "block_actions":
                var channel = payload["channel"]?["id"]?.GetValue<string>() ?? payload["container"]?["channel_id"]?.GetValue<string>();
                foreach (var action in payload["actions"]?.AsArray() ?? [])
                {
                    // Only our own buttons carry commands; anything else in the payload is not ours to run.
                    if (action?["action_id"]?.GetValue<string>()?.StartsWith(BlockKitRenderer.ActionPrefix, StringComparison.Ordinal) == true
                        && action["value"]?.GetValue<string>() is { Length: > 0 } command)
                    {
                        await RunAsync(userId, userName, command, channel, payload["response_url"]?.GetValue<string>(), cancellationToken);
                    }
                }
                break;
            case "view_submission" when SlackDeclareModal.Read(payload) is { } declare:
                await RunAsync(userId, userName, declare, channel: null, responseUrl: null, cancellationToken);
                break;
        }
    }

    private async Task RunAsync(string userId, string? userName, string text, string? channel, string? responseUrl, CancellationToken cancellationToken)
    {
        var user = await users.NameOfAsync(userId, userName, cancellationToken);
        var incident = channels.IncidentOf(channel);
        var reply = await commands.HandleAsync(user, text, incident, cancellationToken);
        logger.LogInformation("Slack command from {User} in {Channel}: {Command} ({Outcome})", user, channel, text, reply.IsError ? "refused" : "done");
        foreach (var message in reply.Messages.Where(m => m.Audience == MessageAudience.Requester))
        {
            await AnswerPrivatelyAsync(userId, channel, responseUrl, message, cancellationToken);
        }
    }

    /// <summary>Ephemeral in the channel when the bot is there; otherwise through the interaction's response URL.</summary>
    private async Task AnswerPrivatelyAsync(string userId, string? channel, string? responseUrl, ChatMessage message, CancellationToken cancellationToken)
    {
        var text = BlockKitRenderer.FallbackText(message);
        var blocks = BlockKitRenderer.Blocks(message);
        if (channel is not null)
        {
            try
            {
                await slack.PostEphemeralAsync(channel, userId, text, blocks, cancellationToken);
                return;
            }
            catch (SlackApiException ex) when (responseUrl is not null && ex.Error is "not_in_channel" or "channel_not_found" or "user_not_in_channel")
            {
            }
        }
        if (responseUrl is not null)
        {
            await slack.RespondAsync(responseUrl, new JsonObject { ["response_type"] = "ephemeral", ["text"] = text, ["blocks"] = blocks.DeepClone() }, cancellationToken);
        }
    }
}
