namespace IncidentBot.WebConsole;

/// <summary>
/// The built-in web console. Section <c>WebConsole</c>:
/// <code>"WebConsole": { "AccessToken": "…", "PublicUrl": "https://incidents.example.com/", "SignInAttempts": 5, "SignInWindow": "00:05:00", "SessionLifetime": "12:00:00" }</code>
/// Without a token the bot refuses to listen on anything but loopback; with one, the console and the API require it.
/// </summary>
public sealed class WebConsoleOptions
{
    public const string Section = "WebConsole";

    public string? AccessToken { get; set; }

    /// <summary>Wrong tokens one client address may send to <c>/login</c> per <see cref="SignInWindow"/>; more get <c>429</c>.</summary>
    public int SignInAttempts { get; set; } = 5;

    /// <summary>The window <see cref="SignInAttempts"/> counts in; a client that used them up waits until it ends.</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a console session lasts without being used; each use extends it.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The console's address as people reach it. Chat messages too large for Slack or Teams end with a link to the
    /// incident here; without it they name the incident and say to open it in the console.
    /// </summary>
    public string? PublicUrl { get; set; }
}
