using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using IncidentBot.Slack.Api;

namespace IncidentBot.Slack.Inbound;

/// <summary>Slack user ids as the names people know, looked up once with <c>users.info</c>.</summary>
internal sealed partial class SlackUsers(SlackWebApiClient slack)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

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

    [GeneratedRegex("<@(?<id>[UW][A-Z0-9]+)(\\|(?<name>[^>]+))?>")]
    private static partial Regex MentionPattern();
}
