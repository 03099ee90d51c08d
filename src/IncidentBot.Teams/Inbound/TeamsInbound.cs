using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Chat;
using IncidentBot.Chat.Commands;
using IncidentBot.Storage;
using IncidentBot.Teams.Api;
using IncidentBot.Teams.Channels;
using IncidentBot.Teams.Messages;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Teams.Inbound;

/// <summary>
/// Turns verified Bot Framework activities into chat commands: messages (after an @mention in channels), card
/// actions (<c>Action.Execute</c> invokes and <c>Action.Submit</c> values), and installation events. Teams has no
/// private messages in channels, so answers for the person who asked go into the same thread.
/// </summary>
internal sealed partial class TeamsInbound(
    ChatCommandHandler commands,
    TeamsConversations conversations,
    BotConnectorClient connector,
    TeamsMembers members,
    IConsoleLinks console,
    IDeduplicationStore deduplication,
    TimeProvider time,
    ILogger<TeamsInbound> logger)
{
    /// <summary>
    /// How long a handled activity is remembered at least: the Bot Connector redelivers within minutes. A replay
    /// needs a token that still verifies, so an activity is also remembered until its token expires (plus the
    /// five minutes of clock skew the validator allows).
    /// </summary>
    public static readonly TimeSpan MinimumMemory = TimeSpan.FromDays(1);

    /// <summary>
    /// Handles one verified activity from an allowed <paramref name="serviceUrl"/>, once; for invokes, returns the
    /// invoke response Teams expects in the HTTP body.
    /// </summary>
    public async Task<JsonObject?> HandleAsync(JsonObject activity, Uri serviceUrl, DateTimeOffset tokenExpires, CancellationToken cancellationToken)
    {
        var conversation = activity["conversation"].Field("id").Text();
        await conversations.RememberServiceUrlAsync(serviceUrl, conversation, activity["channelData"].Field("tenant").Field("id").Text() ?? activity["conversation"].Field("tenantId").Text(), cancellationToken);
        var id = activity["id"].Text() ?? "";
        var now = time.GetUtcNow();
        var expires = Max(now + MinimumMemory, tokenExpires + BotFrameworkTokenValidator.ClockSkew);
        // Activity ids are unique within a conversation (in channels they are message times), so both make the key.
        var key = "teams:activity:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{conversation}\n{id}")));
        if (!await deduplication.TryRecordAsync(new DeduplicationKey(key, expires), now, cancellationToken))
        {
            logger.LogInformation("Teams activity {Id} was already handled; ignoring the redelivery", id);
            return activity["type"].Text() == "invoke" ? InvokeResponse("Already done.") : null;
        }
        switch (activity["type"].Text())
        {
            case "message":
                var command = activity["value"]?["command"].Text() ?? TextWithoutMentions(activity);
                if (!string.IsNullOrWhiteSpace(command))
                {
                    await RunAsync(activity, serviceUrl, command, replyInThread: true, cancellationToken);
                }
                return null;
            case "invoke" when activity["name"].Text() == "adaptiveCard/action":
                var data = activity["value"]?["action"]?["data"]?["command"].Text();
                if (data is null)
                {
                    return InvokeResponse("This card action is not one of IncidentBot's.");
                }
                var reply = await RunAsync(activity, serviceUrl, data, replyInThread: false, cancellationToken);
                return InvokeResponse(reply);
            case "conversationUpdate":
                var team = activity["channelData"]?["team"];
                await conversations.RememberInstallationAsync(team?["aadGroupId"].Text(), activity["channelData"]?["tenant"]?["id"].Text() ?? activity["conversation"]?["tenantId"].Text(), cancellationToken);
                logger.LogInformation("Teams {Event} in team {Team} ({Group}); service URL {ServiceUrl}",
                    activity["channelData"]?["eventType"], team?["name"], team?["aadGroupId"], serviceUrl);
                return null;
            default:
                return null;
        }
    }

    private async Task<string> RunAsync(JsonObject activity, Uri serviceUrl, string text, bool replyInThread, CancellationToken cancellationToken)
    {
        var actor = await members.ActorOfAsync(activity, serviceUrl, cancellationToken);
        var user = actor.Name;
        var conversation = activity["conversation"]?["id"].Text();
        var reply = await commands.HandleAsync(actor, text, await conversations.IncidentOfAsync(conversation, cancellationToken), cancellationToken);
        logger.LogInformation("Teams command from {User} ({Email}): {Command} ({Outcome})", user, actor.Email ?? "no proven e-mail", text, reply.IsError ? "refused" : "done");
        var personal = reply.Messages.Where(m => m.Audience == MessageAudience.Requester).ToList();
        if (replyInThread && conversation is not null)
        {
            foreach (var message in personal)
            {
                try
                {
                    await connector.SendAsync(serviceUrl.AbsoluteUri, conversation, AdaptiveCardMessageRenderer.Activity(message, message.IncidentNumber is { } number ? console.Incident(number) : null), cancellationToken);
                }
                catch (TeamsApiException ex)
                {
                    logger.LogWarning("Could not answer {User} in Teams: {Problem}", user, ex.Message);
                }
            }
        }
        return personal.Count == 0 ? "Done." : string.Join("\n\n", personal.Select(m => m.ToPlainText()));
    }

    /// <summary>Channel messages reach the bot only with an @mention; the mention text is not part of the command.</summary>
    private static string TextWithoutMentions(JsonObject activity)
    {
        var text = activity["text"].Text() ?? "";
        foreach (var entity in activity["entities"]?.AsArray() ?? [])
        {
            if (entity?["type"].Text() == "mention" && entity["text"].Text() is { } mention)
            {
                text = text.Replace(mention, " ");
            }
        }
        // Teams may still wrap text in simple HTML (<p>, <br>); commands are plain words. (A regex over Teams'
        // HTML, not over Markdown.)
        return Tags().Replace(text, " ").Replace("&nbsp;", " ").Trim();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static JsonObject InvokeResponse(string text) => new()
    {
        ["statusCode"] = 200,
        ["type"] = "application/vnd.microsoft.activity.message",
        ["value"] = text,
    };

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
