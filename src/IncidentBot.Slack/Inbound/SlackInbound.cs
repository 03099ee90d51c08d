using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Chat.Commands;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Channels;
using IncidentBot.Slack.Messages;
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
    SlackDeduplication deduplication,
    SlackDeclareModal modal,
    IConsoleLinks console,
    ILogger<SlackInbound> logger)
{
    private const int MaxEventIdLength = 256;

    /// <summary>An Events API callback; a delivery seen before (same <c>event_id</c>) is ignored.</summary>
    public async Task HandleEventAsync(JsonObject callback, CancellationToken cancellationToken)
    {
        var eventId = callback["event_id"].Text();
        // Slack's event ids are short ("Ev0…"); one that cannot be remembered as handled is not handled at all.
        if (eventId is not { Length: > 0 and <= MaxEventIdLength })
        {
            logger.LogWarning("Slack event ignored: its event_id is missing, not text or longer than {Max} characters", MaxEventIdLength);
            return;
        }
        if (!await deduplication.FirstEventAsync(eventId, cancellationToken))
        {
            logger.LogInformation("Slack event {EventId} was already handled; ignoring the redelivery", eventId);
            return;
        }
        var inner = callback["event"] as JsonObject;
        if (inner is null || inner["type"].Text() != "app_mention" || inner["bot_id"] is not null)
        {
            return;
        }
        // An app_mention starts with the mention of the bot itself; what follows is the command.
        var raw = (inner["text"].Text() ?? "").TrimStart();
        var end = raw.IndexOfAny(['>', '|']);
        var botUser = raw.StartsWith("<@", StringComparison.Ordinal) && end > 2 ? raw[2..end] : null;
        var text = await users.ReadableAsync(raw, botUser, cancellationToken);
        var userId = inner["user"].Text() ?? "unknown";
        var channel = inner["channel"].Text();
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
        var userId = payload["user"].Field("id").Text() ?? "unknown";
        var userName = payload["user"].Field("username").Text() ?? payload["user"].Field("name").Text();
        switch (payload["type"].Text())
        {
            case "block_actions":
                var channel = payload["channel"].Field("id").Text() ?? payload["container"].Field("channel_id").Text();
                foreach (var action in payload["actions"] as JsonArray ?? [])
                {
                    // Only our own buttons carry commands; anything else in the payload is not ours to run.
                    if (action.Field("action_id").Text()?.StartsWith(BlockKitRenderer.ActionPrefix, StringComparison.Ordinal) == true
                        && action.Field("value").Text() is { Length: > 0 } command)
                    {
                        await RunAsync(userId, userName, command, channel, payload["response_url"].Text(), cancellationToken);
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
        var actor = await users.ActorOfAsync(userId, userName, cancellationToken);
        var incident = await channels.IncidentOfAsync(channel, cancellationToken);
        var reply = await commands.HandleAsync(actor, text, incident, cancellationToken);
        logger.LogInformation("Slack command from {User} ({Email}) in {Channel}: {Command} ({Outcome})", actor.Name, actor.Email ?? "no proven e-mail", channel, text, reply.IsError ? "refused" : "done");
        foreach (var message in reply.Messages.Where(m => m.Audience == MessageAudience.Requester))
        {
            await AnswerPrivatelyAsync(userId, channel, responseUrl, message, cancellationToken);
        }
    }

    /// <summary>Ephemeral in the channel when the bot is there; otherwise through the interaction's response URL.</summary>
    private async Task AnswerPrivatelyAsync(string userId, string? channel, string? responseUrl, ChatMessage message, CancellationToken cancellationToken)
    {
        var text = BlockKitRenderer.FallbackText(message);
        var blocks = BlockKitRenderer.Blocks(message, message.IncidentNumber is { } number ? console.Incident(number) : null);
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
        // Only an absolute web address can be answered; anything else in the field is not Slack's response URL.
        if (Uri.TryCreate(responseUrl, UriKind.Absolute, out var target) && (target.Scheme == Uri.UriSchemeHttps || target.Scheme == Uri.UriSchemeHttp))
        {
            await slack.RespondAsync(target.OriginalString, new JsonObject { ["response_type"] = "ephemeral", ["text"] = text, ["blocks"] = blocks.DeepClone() }, cancellationToken);
        }
    }
}
