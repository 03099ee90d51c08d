namespace IncidentBot.WebConsole;

/// <summary>
/// The built-in web console. Section <c>WebConsole</c>: <c>"WebConsole": { "AccessToken": "…" }</c>.
/// Without a token the bot refuses to listen on anything but loopback; with one, the console and the API require it.
/// </summary>
public sealed class WebConsoleOptions
{
    public const string Section = "WebConsole";

    public string? AccessToken { get; set; }
}
