using Microsoft.Playwright;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// The real bot process and Debian's Chromium driven by Playwright. On CI (<c>CI=true</c>) a missing Chromium fails
/// the test; elsewhere it is skipped with the command that installs it.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly string _data;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(string data, BotProcess bot, IPlaywright playwright, IBrowser browser)
    {
        _data = data;
        Bot = bot;
        _playwright = playwright;
        _browser = browser;
    }

    public BotProcess Bot { get; }

    public static async Task<ConsoleBrowser> StartAsync(IDictionary<string, string>? settings = null)
    {
        RequireChromium();
        var data = Directory.CreateTempSubdirectory("incidentbot-browser-").FullName;
        var bot = await BotProcess.StartAsync(data, settings);
        return await AttachAsync(bot, data);
    }

    /// <summary>A browser for a bot already running; disposing it also stops the bot and removes <paramref name="data"/>.</summary>
    public static async Task<ConsoleBrowser> AttachAsync(BotProcess bot, string data)
    {
        RequireChromium();
        // The machine's 2 cores may be shared with other builds: give the bot and the page time to catch up before an
        // expectation fails (Playwright's default is 5 s).
        Assertions.SetDefaultExpectTimeout(15_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The machine has no network beyond package registries: keep Chromium from reaching out at all.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new ConsoleBrowser(data, bot, playwright, browser);
    }

    /// <summary>Fails on CI (<c>CI=true</c>) when Chromium is missing, skips elsewhere.</summary>
    public static void RequireChromium()
    {
        if (!File.Exists(Chromium))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "Chromium is not installed; .ci/run installs it (apt-get install -y chromium).");
            Skip.If(true, "Chromium is not installed (apt-get install -y chromium)");
        }
    }

    /// <summary>A fresh browser context with the given cookies, on <paramref name="path"/>.</summary>
    public async Task<IPage> OpenWithCookiesAsync(string path, IEnumerable<Cookie> cookies)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{Bot.Port}" });
        await context.AddCookiesAsync(cookies);
        await context.AddInitScriptAsync("localStorage.setItem('incidentbot.user', 'bob')");
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>
    /// A fresh browser context (its own storage) signed in as <paramref name="user"/>, on the console's home page;
    /// unless <paramref name="waitUntilLive"/> is false, once its live updates are connected. A <paramref name="phone"/>
    /// is a touch screen that lays pages out as a mobile browser does (the page's viewport meta decides its width).
    /// With no <paramref name="user"/> the browser has no name stored yet, as on a first visit.
    /// </summary>
    public async Task<IPage> OpenAsync(string? user, int width = 1280, int height = 900, bool waitUntilLive = true, bool phone = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = $"http://127.0.0.1:{Bot.Port}",
            ViewportSize = new() { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
        });
        if (user is not null)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('incidentbot.user', '{user}')");
        }
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => Console.WriteLine($"[{user}] page error: {error}");
        page.Console += (_, message) => { if (message.Type == "error") Console.WriteLine($"[{user}] console: {message.Text}"); };
        await page.GotoAsync("/");
        if (waitUntilLive)
        {
            await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");
        }
        return page;
    }

    /// <summary>
    /// A fresh browser context on <paramref name="path"/>, with nothing signed in or stored. Every Content-Security-Policy
    /// violation the page reports is collected in <paramref name="violations"/>.
    /// </summary>
    public async Task<IPage> NewPageAsync(string path, List<string> violations)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{Bot.Port}" });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations) { violations.Add(message.Text); }
            }
        };
        await page.GotoAsync(path);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await Bot.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
