namespace IncidentBot.Slack.Api;

/// <summary>
/// Every Slack Web API method the bot calls, with its rate-limit tier and the bot-token scopes it needs for the public
/// channels the bot creates (docs.slack.dev/reference/methods). <see cref="SlackWebApiClient"/> refuses a method that
/// is not here, and a test holds the app manifests in manifests/slack/ to exactly these scopes plus
/// <see cref="FeatureScopes"/>, so the app never asks a workspace for more than it uses, nor less.
/// </summary>
public static class SlackMethods
{
    /// <summary>
    /// One method. <paramref name="Tier"/> is Slack's tier (1 to 4: 1, 20, 50, 100 calls a minute), null for the
    /// "special" limit of <c>chat.postMessage</c> (about one message a second per channel). <paramref name="AppToken"/>:
    /// called with the app-level token (<c>xapp-…</c>, scope <c>connections:write</c>), not the bot token.
    /// </summary>
    public sealed record Method(string Name, int? Tier, IReadOnlyList<string> Scopes, bool AppToken = false);

    public static IReadOnlyDictionary<string, Method> All { get; } = new Method[]
    {
        new("conversations.create", 2, ["channels:manage"]),
        new("conversations.invite", 3, ["channels:manage"]),
        new("conversations.setTopic", 2, ["channels:manage"]),
        new("conversations.setPurpose", 2, ["channels:manage"]),
        new("conversations.archive", 2, ["channels:manage"]),
        // chat:write.public: posting to Slack:AnnounceChannel, which the bot has not joined.
        new("chat.postMessage", null, ["chat:write", "chat:write.public"]),
        new("chat.update", 3, ["chat:write"]),
        new("chat.postEphemeral", 4, ["chat:write"]),
        new("pins.add", 2, ["pins:write"]),
        new("bookmarks.add", 2, ["bookmarks:write"]),
        // users:read.email: the profile's e-mail, which matches a Slack user to their roles (without it users.info
        // answers with no e-mail).
        new("users.info", 4, ["users:read", "users:read.email"]),
        new("users.lookupByEmail", 3, ["users:read.email"]),
        // usergroups:read: the owning team's Slack user group (incidentbot.io/slack-usergroup), its members to invite
        // at SEV1-2 and, for a handle, its id to mention.
        new("usergroups.list", 2, ["usergroups:read"]),
        new("usergroups.users.list", 2, ["usergroups:read"]),
        // A fresh trigger_id is the permission: no scope.
        new("views.open", 4, []),
        // docs.slack.dev lists Tier 3 (api.slack.com once said Tier 1); a reconnect after `disconnect` must not wait a minute.
        new("apps.connections.open", 3, [], AppToken: true),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>Scopes for what Slack sends the bot rather than what it calls: the subscribed event and the slash command.</summary>
    public static IReadOnlyDictionary<string, string> FeatureScopes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["app_mention"] = "app_mentions:read",
        ["/incident"] = "commands",
    };

    /// <summary>The method's entry; a method missing here is a programming error, found by the first test that calls it.</summary>
    public static Method Get(string name) =>
        All.TryGetValue(name, out var method)
            ? method
            : throw new InvalidOperationException($"Slack method {name} is not in SlackMethods: add it with its tier and scopes, and the scopes to manifests/slack/.");
}
