using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// Script written into an alert, commands, a runbook and a review never runs in the console: not on rendering, not
/// when its links are clicked. The safe links around it still work as links.
/// </summary>
public sealed class ScriptInjectionTests
{
    /// <summary>Each payload would set window.__pwned (to say where it came from) or open a dialog if it ran.</summary>
    private static string Payloads(string where) =>
        $"[{where} link](javascript:window.__pwned='{where}') [{where} upper](JAVASCRIPT:alert('{where}')) "
        + $"[{where} tab](jav&#x09;ascript:window.__pwned='{where}-tab') <javascript:alert('{where}-autolink')> "
        + $"![{where} image](javascript:window.__pwned='{where}-image') [{where} data](data:text/html,<script>alert(1)</script>) "
        + $"<img src=x onerror=\"window.__pwned='{where}-img'\"> <script>window.__pwned='{where}-script'</script> "
        + $"<svg onload=alert('{where}-svg')> [{where} safe](https://example.com/{where})";

    private static readonly string Runbook = $"""
        ---
        id: xss-probe
        title: XSS probe <img src=x onerror="window.__pwned='runbook-title'">
        match:
          alertname: XssProbe
        ---
        # XSS probe
        Intro: {Payloads("intro")}

        ## Step one <script>window.__pwned='step-title'</script>
        {Payloads("step")}

        See [the reference][r].

        [r]: jav&#x09;ascript:window.__pwned='reference'

        <div onclick="window.__pwned='html-block'">raw block</div>

        - [ ] tick <img src=x onerror="window.__pwned='checklist'"> [check](javascript:window.__pwned='checklist-link')

        ## Step two
        Done.
        """;

    [SkippableFact]
    public async Task NoScriptFromAlertCommandRunbookOrReviewTextRunsInTheConsole()
    {
        var runbooks = Directory.CreateTempSubdirectory("incidentbot-xss-runbooks-").FullName;
        await File.WriteAllTextAsync(Path.Combine(runbooks, "xss-probe.md"), Runbook.Replace("\r\n", "\n"));
        try
        {
            await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["Runbooks:Path"] = runbooks });
            var api = console.Bot.Client;
            var library = JsonNode.Parse(await api.GetStringAsync("/api/runbooks"))!.AsArray();
            Assert.Empty(library.Single(r => r!["file"]!.GetValue<string>() == "xss-probe.md")!["errors"]!.AsArray());

            var alert = new JsonObject
            {
                ["title"] = $"Checkout down <img src=x onerror=\"window.__pwned='alert-title'\"> [t](javascript:alert('alert-title-link'))",
                ["description"] = Payloads("alert-description"),
                ["severity"] = "critical",
                ["labels"] = new JsonObject { ["alertname"] = "XssProbe", ["service"] = "checkout" },
            };
            (await api.PostAsync("/webhooks/generic", new StringContent(alert.ToJsonString(), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the incident");
            await api.CommandAsync(1, "alice", $"update {Payloads("update")}");
            await api.CommandAsync(1, "alice", $"note {Payloads("note")}");

            var alice = await OpenWatchedAsync(console, "alice");
            await alice.Page.GotoAsync("/#/incidents/1");
            var stream = alice.Page.GetByTestId("stream");
            await Expect(stream.GetByRole(AriaRole.Link, new() { Name = "update safe" })).ToBeVisibleAsync();
            await Expect(stream).ToContainTextAsync("step 1 of 2");
            await Expect(alice.Page.Locator(".room-head")).ToContainTextAsync("Checkout down <img src=x");
            await alice.AssertNothingRanAfterClickingEveryLinkAsync(stream, ["update", "step"]);

            await alice.Page.GetByLabel("Command").FillAsync($"resolve {Payloads("resolve")}");
            await alice.Page.GetByLabel("Command").PressAsync("Enter");
            // What people type shows as their words at once; the bot's event with the rendered link follows.
            await Expect(stream.GetByRole(AriaRole.Link, new() { Name = "resolve safe" })).ToBeVisibleAsync();
            await alice.AssertNothingRanAfterClickingEveryLinkAsync(stream, ["resolve"]);

            await alice.Page.GotoAsync("/#/runbooks/xss-probe");
            await Expect(alice.Page.Locator(".runbook-step").First).ToContainTextAsync("step safe");
            await alice.AssertNothingRanAfterClickingEveryLinkAsync(alice.Page.Locator("#view"), ["intro", "step"]);

            await AddToReviewAsync(api, $"\n\n## Injected\n{Payloads("review")}\n\n| what | link |\n|---|---|\n| cell | [cell](javascript:alert('cell')) |\n");
            await alice.Page.GotoAsync("/#/incidents/1/rca");
            await Expect(alice.Page.GetByTestId("review")).ToContainTextAsync("review safe", new() { Timeout = 15_000 });
            await alice.AssertNothingRanAfterClickingEveryLinkAsync(alice.Page.GetByTestId("review"), ["review"]);

            await alice.Page.GotoAsync("/#/");
            await Expect(alice.Page.GetByTestId("resolved-incidents")).ToContainTextAsync("Checkout down <img src=x");
            await alice.AssertNothingRanAsync();
        }
        finally
        {
            Directory.Delete(runbooks, recursive: true);
        }
    }

    private static async Task AddToReviewAsync(HttpClient api, string markdown)
    {
        HttpResponseMessage current = null!;
        await Eventually.TrueAsync(async () => (current = await api.GetAsync("/api/incidents/1/rca")).IsSuccessStatusCode, "the generated review");
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/incidents/1/rca?user=alice")
        {
            Content = new StringContent(await current.Content.ReadAsStringAsync() + markdown, Encoding.UTF8, "text/markdown"),
        };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        (await api.SendAsync(put)).EnsureSuccessStatusCode();
    }

    private static async Task<WatchedPage> OpenWatchedAsync(ConsoleBrowser console, string user)
    {
        var page = await console.OpenAsync(user);
        var watched = new WatchedPage(page);
        page.Dialog += (_, dialog) =>
        {
            watched.Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        // Web links would leave the console (and this machine has no network): their clicks are counted, not followed.
        // Any other link is left to the browser, so a javascript: link that slipped through would run when clicked.
        await page.EvaluateAsync("""
            () => {
              window.__webLinkClicks = 0;
              document.addEventListener('click', event => {
                const link = event.target.closest('a[href]');
                if (link && /^(https?|mailto):/i.test(link.getAttribute('href'))) { event.preventDefault(); window.__webLinkClicks++; }
              }, true);
            }
            """);
        return watched;
    }

    private sealed class WatchedPage(IPage page)
    {
        public IPage Page { get; } = page;

        public List<string> Dialogs { get; } = [];

        /// <summary>
        /// Every link in <paramref name="area"/> is a web link, each of <paramref name="sources"/> left exactly one
        /// (its safe one) and no image; clicking every link and every unsafe link's words runs nothing.
        /// </summary>
        public async Task AssertNothingRanAfterClickingEveryLinkAsync(ILocator area, string[] sources)
        {
            var hrefs = await area.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
            Assert.All(hrefs, href => Assert.Matches("^(https?|mailto):", href));
            foreach (var source in sources)
            {
                Assert.Contains($"https://example.com/{source}", hrefs);
                await Expect(area.GetByRole(AriaRole.Link, new() { Name = $"{source} safe" }).First).ToHaveAttributeAsync("href", $"https://example.com/{source}");
                // The unsafe links are only their words now: clicking them does nothing.
                await area.GetByText($"{source} link").First.ClickAsync();
            }
            await Expect(area.Locator("img, script, svg, iframe, [onerror], [onclick], [onload]")).ToHaveCountAsync(0);
            var before = await Page.EvaluateAsync<int>("window.__webLinkClicks");
            var links = area.Locator("a[href]");
            var count = await links.CountAsync();
            for (var i = 0; i < count; i++)
            {
                await links.Nth(i).ClickAsync();
            }
            // Clicks are handled in order: once the last web-link click is counted, any earlier one would have run.
            await Page.WaitForFunctionAsync($"window.__webLinkClicks >= {before + count}");
            await AssertNothingRanAsync();
        }

        public async Task AssertNothingRanAsync()
        {
            Assert.Null(await Page.EvaluateAsync<string?>("window.__pwned === undefined ? null : String(window.__pwned)"));
            Assert.Empty(Dialogs);
        }
    }
}
