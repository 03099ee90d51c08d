namespace IncidentBot.WebConsole;

/// <summary>
/// The built-in web console. Section <c>WebConsole</c>:
/// <c>"WebConsole": { "AccessToken": "…", "PublicUrl": "https://incidents.example.com/" }</c>.
/// Without a token the bot refuses to listen on anything but loopback; with one, the console and the API require it.
/// </summary>
public sealed class WebConsoleOptions
{
    public const string Section = "WebConsole";

    public string? AccessToken { get; set; }

    /// <summary>
    /// The console's address as people reach it. Chat messages too large for Slack or Teams end with a link to the
    /// incident here; without it they name the incident and say to open it in the console.
    /// </summary>
    public string? PublicUrl { get; set; }
}
