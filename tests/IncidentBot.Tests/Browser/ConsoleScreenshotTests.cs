using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// The pictures in README.md and docs/ come from the running console, so they cannot go stale: this test starts the
/// bot with demo data (an Alertmanager notification from shared/fixtures, an alert that starts a runbook, an ack, a
/// runbook step, a resolved incident) and opens each pictured page at desktop and phone size. Every run checks that
/// the page shows what the picture is meant to show; with <c>INCIDENTBOT_UPDATE_SCREENSHOTS=1</c> it also writes the
/// pictures to docs/screenshots (<c>scripts/screenshots.sh</c> does exactly that).
/// </summary>
public sealed partial class ConsoleScreenshotTests
{
    private const string UpdateVariable = "INCIDENTBOT_UPDATE_SCREENSHOTS";

    /// <summary>Every picture this test takes; the docs show exactly these.</summary>
    private static readonly string[] Pictures = ["console-incidents", "console-room", "console-timeline", "console-alert-details", "console-room-phone", "console-incidents-phone", "console-response"];

    private static string Folder => Path.Combine(RepositoryPaths.Root, "docs", "screenshots");

    [SkippableFact]
    public async Task ThePicturedPagesShowTheDemoIncidentsAtDesktopAndPhoneSize()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        await SeedDemoAsync(console.Bot);
        var taken = new List<string>();

        var desktop = await console.OpenAsync("alice", 1200, 760);
        await Expect(desktop.GetByTestId("incident-2")).ToContainTextAsync("Orders primary database is down");
        await Expect(desktop.GetByTestId("incident-1")).ToContainTextAsync("High CPU core temperature");
        await Expect(desktop.GetByTestId("incident-2")).ToContainTextAsync("IC @alice");
        await Expect(desktop.GetByTestId("resolved-incidents")).ToContainTextAsync("Checkout latency above 2 s");
        await ShootAsync(desktop, "console-incidents", taken);

        await desktop.GetByTestId("incident-2").ClickAsync();
        await ExpectDemoRoomAsync(desktop);
        await ShootAsync(desktop, "console-room", taken);

        var timeline = desktop.GetByTestId("timeline");
        await Expect(timeline.GetByTestId("timeline-entry").First).ToBeVisibleAsync();
        await Expect(timeline).ToContainTextAsync("alice");
        await timeline.ScrollIntoViewIfNeededAsync();
        await ShootAsync(desktop, "console-timeline", taken, timeline);

        // The first incident came from Alertmanager: its opening card shows the alert's own words and links.
        await desktop.GotoAsync("/#/incidents/1");
        var opening = desktop.Locator(".msg-incident").First;
        await Expect(opening.Locator(".msg-plain")).ToContainTextAsync("CPU core temperature is 34.75C");
        await Expect(opening.Locator(".msg-fields").Last).ToContainTextAsync("High CPU Temperature");
        await Expect(opening.GetByRole(AriaRole.Link, new() { Name = "Silence" })).ToBeVisibleAsync();
        await ShootAsync(desktop, "console-alert-details", taken, opening);

        await desktop.GetByRole(AriaRole.Link, new() { Name = "Response" }).ClickAsync();
        await Expect(desktop.GetByTestId("response-incidents")).ToContainTextAsync("checkout");
        await Expect(desktop.GetByTestId("response-updates")).ToContainTextAsync("posted");
        await ShootAsync(desktop, "console-response", taken);

        var phone = await console.OpenAsync("bob", 390, 844, phone: true);
        await Expect(phone.GetByTestId("incident-2")).ToContainTextAsync("Orders primary database is down");
        await PageFit.AssertFitsAsync(phone, "the demo incident list");
        await ShootAsync(phone, "console-incidents-phone", taken);

        await phone.GetByTestId("incident-2").TapAsync();
        await ExpectDemoRoomAsync(phone);
        await PageFit.AssertFitsAsync(phone, "the demo room");
        await ShootAsync(phone, "console-room-phone", taken);

        Assert.Equal(Pictures.Order(), taken.Order());
    }

    /// <summary>No picture in the docs that this test does not make, none made that the docs do not show.</summary>
    [Fact]
    public void TheDocsShowExactlyThePicturesThisTestMakes()
    {
        var docs = new[] { Path.Combine(RepositoryPaths.Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md"));
        var shown = docs.SelectMany(f => PictureReference().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value)).ToHashSet();
        var stored = Directory.GetFiles(Folder, "*.png").Select(Path.GetFileNameWithoutExtension).ToHashSet();

        Assert.Equal(Pictures.Order(), shown.Order());
        Assert.Equal(Pictures.Order(), stored.Order()!);
        var total = Pictures.Sum(p => new FileInfo(Path.Combine(Folder, $"{p}.png")).Length);
        Assert.True(total < 600_000, $"the pictures take {total / 1024} KiB; keep them small (smaller windows, fewer pictures)");
    }

    private static async Task ExpectDemoRoomAsync(IPage page)
    {
        await Expect(page.Locator(".room-head")).ToContainTextAsync("Orders primary database is down");
        await Expect(page.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("acknowledged");
        await Expect(page.GetByTestId("role-commander")).ToHaveTextAsync("@alice");
        await Expect(page.GetByTestId("session-progress")).ToHaveTextAsync("step 2 of 7");
        await Expect(page.Locator(".entry .msg-runbook-step").Last).ToContainTextAsync("step 2 of 7: Post the first update");
        await Expect(page.GetByTestId("stream")).ToContainTextAsync("Failing over to orders-db-2");
    }

    /// <summary>
    /// Three incidents, as a responder would see them a few minutes in: a CPU alert from Alertmanager's own example
    /// (two alerts), a database outage whose runbook is at step 2 with an IC and an update, and a resolved one.
    /// </summary>
    private static async Task SeedDemoAsync(BotProcess bot)
    {
        var api = bot.Client;
        await PostAsync(api, "/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));
        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Count == 1, "the CPU incident");
        await PostAsync(api, "/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Count == 2, "the database incident");
        foreach (var (user, text) in new[]
        {
            ("alice", "ack"), ("alice", "role commander"), ("bob", "role comms"), ("alice", "check 1"), ("alice", "check 2"), ("alice", "done"),
            ("bob", "update Writes failing since 03:12 UTC. Failing over to orders-db-2. Next update in 15 min."),
        })
        {
            (await api.PostAsJsonAsync("/api/incidents/2/room", new { user, text })).EnsureSuccessStatusCode();
        }
        var declared = await api.PostAsJsonAsync("/api/incidents", new { title = "Checkout latency above 2 s", severity = "SEV2", service = "checkout", user = "carol" });
        var number = (await declared.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<IncidentView>(Json.Options))!.Number;
        await api.CommandAsync(number, "carol", "ack");
        await api.CommandAsync(number, "carol", "update Cache warmed up, latency back to 300 ms");
        await api.CommandAsync(number, "carol", "resolve cache warmed up");
    }

    /// <param name="part">Only this part of the page (a closer, smaller picture), or the whole window.</param>
    private static async Task ShootAsync(IPage page, string name, List<string> taken, ILocator? part = null)
    {
        taken.Add(name);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            // Settle the live dot and any scrolling first, so a picture never catches the page half-drawn.
            await Expect(page.Locator("#live")).ToHaveTextAsync("live");
            await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
            var path = Path.Combine(Folder, $"{name}.png");
            if (part is null)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
            }
            else
            {
                await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
            }
        }
    }

    private static async Task PostAsync(HttpClient api, string path, string json) =>
        (await api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

    [GeneratedRegex(@"screenshots/(?<name>[\w-]+)\.png")]
    private static partial Regex PictureReference();
}
