using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using IncidentBot.Access;
using IncidentBot.Slack.Api;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Slack user ids as the names people know, looked up once with <c>users.info</c>; and who runs a command
/// (<see cref="ActorOfAsync"/>): their name and the e-mail Slack vouches for, which roles are granted by.
/// </summary>
internal sealed partial class SlackUsers(SlackWebApiClient slack, ILogger<SlackUsers> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ProvenEmails _emails = new();

    /// <summary>
    /// Who runs a command: the user's name as before, with the e-mail from <c>users.info</c>'s <c>profile.email</c>
    /// (the app needs the <c>users:read.email</c> scope). A look-up that fails leaves the e-mail out, and says why in
    /// the log; the command still runs.
    /// </summary>
    public async Task<Actor> ActorOfAsync(string userId, string? knownName, CancellationToken cancellationToken)
    {
        var name = await NameOfAsync(userId, knownName, cancellationToken);
        return new Actor(name) { Email = await EmailOfAsync(userId, cancellationToken), Platform = "slack" };
    }

    private Task<string?> EmailOfAsync(string userId, CancellationToken cancellationToken) =>
        _emails.GetAsync(userId, () => LookUpEmailAsync(userId, cancellationToken));

    private async Task<string?> LookUpEmailAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            var user = await slack.UserInfoAsync(userId, cancellationToken);
            _names.TryAdd(userId, user.Name);
            if (user.Email is null)
            {
                logger.LogWarning("Slack gave no e-mail for {SlackUser} ({User}): the app needs the users:read.email scope (reinstall it after adding the scope), or the user is a bot; their commands run without a proven e-mail", userId, user.Name);
            }
            _emails.Remember(userId, user.Email);
            return user.Email;
        }
        catch (SlackApiException ex) when (ex.Error == "missing_scope")
        {
            logger.LogWarning("Slack refused users.info for {SlackUser} (missing_scope): the app needs the users:read and users:read.email scopes; their commands run without a proven e-mail", userId);
            // Kept for a while: it will not mend until the app is reinstalled.
            _emails.RememberRefusal(userId);
            return null;
        }
        catch (SlackApiException ex)
        {
            // Not kept: the next command asks again.
            logger.LogWarning("Could not look up the e-mail of Slack user {SlackUser}: {Problem}; the command runs without a proven e-mail", userId, ex.Message);
            return null;
        }
    }

    public async Task<string> NameOfAsync(string userId, string? knownName, CancellationToken cancellationToken)
    {
        if (_names.TryGetValue(userId, out var cached))
        {
            return cached;
        }
        if (!string.IsNullOrWhiteSpace(knownName))
        {
            return _names[userId] = knownName;
        }
        try
        {
            return _names[userId] = (await slack.UserInfoAsync(userId, cancellationToken)).Name;
        }
        catch (SlackApiException)
        {
            return userId; // not cached: the next command tries again
        }
    }

    /// <summary>
    /// Slack writes mentions as <c>&lt;@U123&gt;</c> or <c>&lt;@U123|bob&gt;</c>; commands take <c>@bob</c>.
    /// Mentions of the bot itself are dropped. (A regex here reads Slack's mention syntax, not Markdown.)
    /// </summary>
    public async Task<string> ReadableAsync(string text, string? botUserId, CancellationToken cancellationToken)
    {
        var result = text;
        foreach (Match mention in MentionPattern().Matches(text))
        {
            var id = mention.Groups["id"].Value;
            var replacement = id == botUserId ? "" : "@" + await NameOfAsync(id, mention.Groups["name"].Success ? mention.Groups["name"].Value : null, cancellationToken);
            result = result.Replace(mention.Value, replacement);
        }
        return result.Trim();
    }

    public void Dispose() => _emails.Dispose();

    [GeneratedRegex("<@(?<id>[UW][A-Z0-9]+)(\\|(?<name>[^>]+))?>")]
    private static partial Regex MentionPattern();
}
