using System.Net.Http.Json;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// The incident list and the rooms on a phone and on wider screens, filled with what breaks layouts: long titles,
/// words and URLs without a place to break, code blocks, a runbook step card, buttons and fields. Nothing may make
/// the page scroll sideways, and the buttons and the command box must be on screen and work.
/// </summary>
public sealed class PhoneLayoutTests
{
    private static readonly string LongWord = "checkout-" + string.Concat(Enumerable.Repeat("averyveryverylongunbrokenword", 8));
    private static readonly string LongUrl = "https://grafana.example/d/checkout/latency?orgId=1&var-host=" + string.Concat(Enumerable.Repeat("web-042.eu-west-1.compute.internal,", 8)) + "&from=now-6h&to=now";

    public static TheoryData<int, int, bool> Screens => new()
    {
        { 320, 568, true },   // the smallest phone still sold
        { 390, 844, true },   // a common phone
        { 768, 1024, true },  // a tablet held upright: still one column
        { 1280, 800, false }, // a laptop
    };

    [SkippableTheory]
    [MemberData(nameof(Screens))]
    public async Task ListAndRoomsFitTheScreenAndTheirButtonsAndCommandBoxWork(int width, int height, bool phone)
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var api = console.Bot.Client;
        await PostAsync(api, "/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the runbook incident");
        await PostAsync(api, "/webhooks/generic", System.Text.Json.JsonSerializer.Serialize(new
        {
            title = $"Checkout {LongWord} is failing for every customer in every region since the deploy of release 2026.12.05-42",
            severity = "critical",
            dedupKey = "checkout-long",
            description = $"See {LongUrl} and {LongWord}",
            labels = new Dictionary<string, string> { ["service"] = LongWord, ["instance"] = LongWord },
            links = new[] { LongUrl },
        }));
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 2, "the incident with long words");
        foreach (var text in new[] { LongWord, LongUrl, $"note {LongUrl}", $"update {LongWord} {LongUrl}", "runbook status", "status" })
        {
            (await api.PostAsJsonAsync("/api/incidents/1/room", new { user = "bob", text })).EnsureSuccessStatusCode();
        }

        var page = await console.OpenAsync("carol", width, height, phone: phone);
        await Expect(page.GetByTestId("incident-2")).ToContainTextAsync("Checkout");
        await Expect(page.GetByTestId("incident-1")).ToBeVisibleAsync();
        await PageFit.AssertFitsAsync(page, "the incident list");
        if (width < 800)
        {
            // On a narrow screen a title wraps onto lines of its own instead of being cut to a few words.
            // Measured in one go (the live list may be redrawn at any moment, which would detach a held element).
            var title = await page.EvaluateAsync<string>("""
                () => { const e = document.querySelector('[data-testid=incident-2] .title');
                        return `${e.scrollWidth} ${e.clientWidth} ${Math.round(e.getBoundingClientRect().height)}`; }
                """);
            var (textWidth, boxWidth, titleHeight) = title.Split(' ') is [var a, var b, var c] ? (int.Parse(a), int.Parse(b), int.Parse(c)) : (0, 0, 0);
            Assert.True(textWidth <= boxWidth && titleHeight > 40, $"the long title is cut instead of wrapped: {textWidth}px of text in a {boxWidth}px box, {titleHeight}px high");
        }
        await PageFit.AssertOnScreenAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Declare" }), "the Declare button");

        await page.GetByTestId("incident-1").ClickAsync();
        var stream = page.GetByTestId("stream");
        await Expect(stream).ToContainTextAsync("step 1 of 7: Confirm the primary is down");
        await Expect(stream).ToContainTextAsync(LongUrl);
        await Expect(stream.Locator("pre code").First).ToContainTextAsync("pg_isready");
        await PageFit.AssertFitsAsync(page, "the room with a runbook step and long words");
        // A code block keeps its lines and scrolls by itself when they are wider than the screen.
        Assert.Equal("pre", await stream.Locator("pre").First.EvaluateAsync<string>("e => getComputedStyle(e).whiteSpace"));

        var acknowledge = page.Locator("#room-head").GetByRole(AriaRole.Button, new() { Name = "Acknowledge" });
        await PageFit.AssertOnScreenAsync(page, acknowledge, "the Acknowledge button");
        await Tap(acknowledge, phone);
        await Expect(page.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("acknowledged");

        var command = page.GetByLabel("Command");
        await PageFit.AssertOnScreenAsync(page, command, "the command box");
        await PageFit.AssertOnScreenAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Send" }), "the Send button");
        await Tap(command, phone);
        await page.Keyboard.TypeAsync("role commander");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("role-commander")).ToHaveTextAsync("@carol");

        var step = page.Locator(".entry .msg-runbook-step").Last;
        var check = step.Locator(".check").First;
        await PageFit.AssertOnScreenAsync(page, check, "the first checklist item");
        await Tap(check, phone);
        await Expect(page.Locator(".entry .msg-runbook-step").Last.Locator(".check").First).ToHaveAttributeAsync("aria-pressed", "true");
        var done = page.Locator(".entry .msg-runbook-step").Last.GetByRole(AriaRole.Button, new() { Name = "Done" });
        await PageFit.AssertOnScreenAsync(page, done, "the step's Done button");
        await Tap(done, phone);
        await Expect(page.Locator(".entry .msg-runbook-step").Last).ToContainTextAsync("step 2 of 7");
        await PageFit.AssertFitsAsync(page, "the room after working it");

        await page.GotoAsync("/#/incidents/2");
        await Expect(page.Locator(".room-head")).ToContainTextAsync(LongWord);
        await Expect(stream).ToContainTextAsync("Checkout");
        await PageFit.AssertFitsAsync(page, "the room of an alert with long words");
        await PageFit.AssertOnScreenAsync(page, page.Locator("#room-head").GetByRole(AriaRole.Button, new() { Name = "Resolve" }), "the Resolve button");

        foreach (var other in new[] { "/#/runbooks", "/#/runbooks/database-failover", "/#/drills", "/#/response" })
        {
            await page.GotoAsync(other);
            await Expect(page.Locator("#view h1")).ToBeVisibleAsync();
            await PageFit.AssertFitsAsync(page, other);
        }
    }

    /// <summary>A finger on a touch screen, the mouse elsewhere.</summary>
    private static Task Tap(ILocator target, bool phone) => phone ? target.TapAsync() : target.ClickAsync();

    private static async Task PostAsync(HttpClient api, string path, string json) =>
        (await api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
}
