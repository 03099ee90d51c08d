namespace IncidentBot.Slack;

/// <summary>
/// The Slack adapter. Section <c>Slack</c>; the adapter is on when <c>BotToken</c> is set:
/// <code>
/// "Slack": {
///   "BotToken": "xoxb-…", "SigningSecret": "…", "AppToken": "xapp-… (Socket Mode)",
///   "ApiBaseUrl": "https://slack.com/api/", "AnnounceChannel": "C0123 or #incidents",
///   "InviteUsers": [ "U0123", "oncall@example.com" ], "InviteByService": { "orders-db": [ "dba@example.com" ] }
/// }
/// </code>
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    public string? BotToken { get; set; }

    /// <summary>Verifies HTTP requests from Slack (Events API, slash commands, interactivity).</summary>
    public string? SigningSecret { get; set; }

    /// <summary>An app-level token (<c>xapp-</c>, scope <c>connections:write</c>) switches on Socket Mode.</summary>
    public string? AppToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Where new incidents are announced (channel id or name); none when empty.</summary>
    public string? AnnounceChannel { get; set; }

    /// <summary>Invited to every incident channel: Slack user ids (<c>U…</c>) or emails.</summary>
    public List<string> InviteUsers { get; set; } = [];

    /// <summary>Invited when the incident's service matches: service → user ids or emails.</summary>
    public Dictionary<string, List<string>> InviteByService { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => !string.IsNullOrWhiteSpace(BotToken);

    public bool SocketMode => !string.IsNullOrWhiteSpace(AppToken);
}
