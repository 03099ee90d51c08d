using System.Text.Json.Nodes;

namespace IncidentBot.Slack.Api;

/// <summary>The Web API methods IncidentBot uses, typed.</summary>
public sealed partial class SlackWebApiClient
{
    /// <summary><c>conversations.create</c>: the new channel's id. Fails with <c>name_taken</c> when the name is used.</summary>
    public async Task<string> CreateConversationAsync(string name, bool isPrivate, CancellationToken cancellationToken) =>
        (await CallAsync("conversations.create", new JsonObject { ["name"] = name, ["is_private"] = isPrivate }, cancellationToken))["channel"]!["id"]!.GetValue<string>();

    /// <summary><c>conversations.invite</c> with up to 100 users; unknown ids are skipped (<c>force</c>).</summary>
    public Task InviteAsync(string channel, IEnumerable<string> userIds, CancellationToken cancellationToken) =>
        CallAsync("conversations.invite", new JsonObject { ["channel"] = channel, ["users"] = string.Join(",", userIds.Take(100)), ["force"] = true }, cancellationToken);

    public Task SetTopicAsync(string channel, string topic, CancellationToken cancellationToken) =>
        CallAsync("conversations.setTopic", new JsonObject { ["channel"] = channel, ["topic"] = topic }, cancellationToken);

    public Task SetPurposeAsync(string channel, string purpose, CancellationToken cancellationToken) =>
        CallAsync("conversations.setPurpose", new JsonObject { ["channel"] = channel, ["purpose"] = purpose }, cancellationToken);

    public Task ArchiveAsync(string channel, CancellationToken cancellationToken) =>
        CallAsync("conversations.archive", new JsonObject { ["channel"] = channel }, cancellationToken);

    /// <summary><c>chat.postMessage</c>: the message's <c>ts</c>, its id for edits and pins.</summary>
    public async Task<string> PostMessageAsync(string channel, string text, JsonArray? blocks, CancellationToken cancellationToken) =>
        (await CallAsync("chat.postMessage", Message(channel, text, blocks, unfurl: false), cancellationToken))["ts"]!.GetValue<string>();

    public Task UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks, CancellationToken cancellationToken)
    {
        var arguments = Message(channel, text, blocks, unfurl: null);
        arguments["ts"] = ts;
        return CallAsync("chat.update", arguments, cancellationToken);
    }

    public Task PostEphemeralAsync(string channel, string user, string text, JsonArray? blocks, CancellationToken cancellationToken)
    {
        var arguments = Message(channel, text, blocks, unfurl: null);
        arguments["user"] = user;
        return CallAsync("chat.postEphemeral", arguments, cancellationToken);
    }

    public Task PinAsync(string channel, string ts, CancellationToken cancellationToken) =>
        CallAsync("pins.add", new JsonObject { ["channel"] = channel, ["timestamp"] = ts }, cancellationToken);

    public Task AddBookmarkAsync(string channel, string title, string link, CancellationToken cancellationToken) =>
        CallAsync("bookmarks.add", new JsonObject { ["channel_id"] = channel, ["title"] = title, ["type"] = "link", ["link"] = link }, cancellationToken);

    /// <summary>
    /// <c>users.info</c>: the user's handle, or their display name when they have no handle; and their e-mail, which
    /// Slack shows only to an app with the <c>users:read.email</c> scope (null without it, and for bots).
    /// </summary>
    public async Task<SlackUser> UserInfoAsync(string userId, CancellationToken cancellationToken)
    {
        var user = (await CallAsync("users.info", new JsonObject { ["user"] = userId }, cancellationToken))["user"];
        var name = Text(user?["name"]) ?? Text(user?["profile"]?["display_name"]);
        var email = Text(user?["profile"]?["email"]);
        return new SlackUser(userId, string.IsNullOrWhiteSpace(name) ? userId : name, string.IsNullOrWhiteSpace(email) ? null : email.Trim());
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary><c>users.lookupByEmail</c>: null when no user has that email (<c>users_not_found</c>).</summary>
    public async Task<string?> LookupUserIdByEmailAsync(string email, CancellationToken cancellationToken)
    {
        try
        {
            return (await CallAsync("users.lookupByEmail", new JsonObject { ["email"] = email }, cancellationToken))["user"]?["id"]?.GetValue<string>();
        }
        catch (SlackApiException ex) when (ex.Error == "users_not_found")
        {
            return null;
        }
    }

    public Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken) =>
        CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, cancellationToken);

    /// <summary><c>apps.connections.open</c> with the app-level token: a fresh Socket Mode URL.</summary>
    public async Task<Uri> OpenSocketConnectionAsync(string appToken, CancellationToken cancellationToken) =>
        new((await CallAsync("apps.connections.open", [], appToken, cancellationToken))["url"]!.GetValue<string>());

    private static JsonObject Message(string channel, string text, JsonArray? blocks, bool? unfurl)
    {
        var arguments = new JsonObject { ["channel"] = channel, ["text"] = text };
        if (blocks is not null)
        {
            arguments["blocks"] = blocks;
        }
        if (unfurl is { } value)
        {
            arguments["unfurl_links"] = value;
        }
        return arguments;
    }
}

/// <summary>A Slack user: id, handle, and the e-mail Slack vouches for (null when the app may not see it).</summary>
public sealed record SlackUser(string Id, string Name, string? Email = null);
