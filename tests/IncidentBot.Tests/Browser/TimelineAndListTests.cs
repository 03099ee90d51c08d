using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// The console's timeline (live, with who and when, text shown as text) and its incident list (filters, title search,
/// when resolved incidents resolved and how long they lasted, firing counts after a resolve).
/// </summary>
public sealed class TimelineAndListTests
{
    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [SkippableFact]
    public async Task TimelineShowsEveryKindOfChangeLiveWithWhoAndWhenAndTextAsText()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var api = console.Bot.Client;
        (await api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Checkout errors","dedupKey":"checkout","severity":"urgent","fingerprint":"a","labels":{"service":"checkout"}}"""))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the incident");
        var alice = await console.OpenAsync("alice");
        await alice.GotoAsync("/#/incidents/1");
        var timeline = alice.GetByTestId("timeline");
        await Expect(timeline).ToContainTextAsync("Opened from generic alert: Checkout errors");
        await Expect(timeline.Locator("[data-kind=severity-unmapped]")).ToContainTextAsync("'urgent' is not in Incidents:SeverityMap");

        // Each change, made by someone else through the API or an alert, shows without a reload, newest first.
        var changes = new (Func<Task> Make, string Kind, string Who, string Text)[]
        {
            (() => api.CommandAsync(1, "bob", "ack"), "acknowledged", "@bob", "Acknowledged by bob"),
            (() => api.CommandAsync(1, "bob", "role commander @carol"), "role-assigned", "@bob", "carol"),
            (() => api.CommandAsync(1, "carol", "severity sev1"), "severity-changed", "@carol", "to SEV1"),
            (() => api.CommandAsync(1, "carol", "note <img src=x onerror=alert(1)> **not bold**"), "note", "@carol", "<img src=x onerror=alert(1)> **not bold**"),
            (() => api.CommandAsync(1, "carol", "update Rolled back the deploy"), "status-update", "@carol", "Rolled back the deploy"),
            (() => api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Checkout errors","dedupKey":"checkout","fingerprint":"b"}""")), "alert-firing", "@generic", "Alert firing"),
            (() => api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Checkout errors","dedupKey":"checkout","fingerprint":"a","status":"resolved"}""")), "alert-resolved", "@generic", "Alert resolved"),
        };
        var slowest = TimeSpan.Zero;
        foreach (var (make, kind, who, text) in changes)
        {
            await make();
            var made = Stopwatch.StartNew();
            var newest = timeline.GetByTestId("timeline-entry").First;
            await Expect(newest).ToHaveAttributeAsync("data-kind", kind);
            slowest = made.Elapsed > slowest ? made.Elapsed : slowest;
            await Expect(newest.Locator(".actor")).ToHaveTextAsync(who);
            await Expect(newest.Locator(".text")).ToContainTextAsync(text);
            await Expect(newest.Locator("time")).ToHaveAttributeAsync("datetime", new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"));
        }
        Console.WriteLine($"Slowest change to reach the timeline: {slowest.TotalMilliseconds:F0} ms");
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"a change took {slowest.TotalMilliseconds:F0} ms to show");

        // Text from people is shown as text: no element was made from the note, and the page ran no script.
        Assert.Equal(0, await timeline.Locator("img").CountAsync());
        Assert.Equal(0, await timeline.Locator("strong").CountAsync());
        var stored = await console.Bot.IncidentAsync(1);
        await Expect(timeline.GetByTestId("timeline-entry")).ToHaveCountAsync(stored.Timeline!.Count);

        // Runbook steps too, and the resolve.
        await api.CommandAsync(1, "carol", "resolve fixed");
        await Expect(timeline.GetByTestId("timeline-entry").First).ToHaveAttributeAsync("data-kind", "resolved");
    }

    [SkippableFact]
    public async Task RunbookStepsAndTheTimelineCommandShowInTheTimeline()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var api = console.Bot.Client;
        (await api.PostAsync("/webhooks/alertmanager", JsonBody(AlertPayloads.PostgresPrimaryDown))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the incident");
        var alice = await console.OpenAsync("alice");
        await alice.GotoAsync("/#/incidents/1");
        var timeline = alice.GetByTestId("timeline");
        await Expect(timeline.Locator("[data-kind=runbook-started]")).ToHaveCountAsync(1);

        await alice.GetByLabel("Command").FillAsync("done");
        await alice.GetByLabel("Command").PressAsync("Enter");
        await Expect(timeline.GetByTestId("timeline-entry").First).ToHaveAttributeAsync("data-kind", "step-done");
        await Expect(timeline.GetByTestId("timeline-entry").First.Locator(".actor")).ToHaveTextAsync("@alice");

        // The chat command answers in the room, privately, with the newest entries.
        await alice.GetByLabel("Command").FillAsync("timeline");
        await alice.GetByLabel("Command").PressAsync("Enter");
        await Expect(alice.Locator(".entry.private")).ToContainTextAsync("timeline");
        await Expect(alice.Locator(".entry.private")).ToContainTextAsync("step done");
    }

    [SkippableFact]
    public async Task ListIsFilteredAndSearchedOnTheServerAndSaysWhenResolvedIncidentsResolved()
    {
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["Drills:Leads:0"] = "lena" });
        var api = console.Bot.Client;
        (await api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Checkout errors","dedupKey":"checkout","severity":"critical","labels":{"service":"checkout"}}"""))).EnsureSuccessStatusCode();
        (await api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Search is slow","dedupKey":"search","severity":"warning","labels":{"service":"search"}}"""))).EnsureSuccessStatusCode();
        (await api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Checkout payments fail","dedupKey":"payments","severity":"critical","fingerprint":"p1","labels":{"service":"payments"}}"""))).EnsureSuccessStatusCode();
        (await api.PostAsync("/webhooks/generic", JsonBody("""{"title":"Checkout payments fail","dedupKey":"payments","severity":"critical","fingerprint":"p2","labels":{"service":"payments"}}"""))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 3, "three incidents");
        await api.CommandAsync(null, "lena", "drill run disk-filling-up");
        await api.CommandAsync(3, "alice", "resolve payments back");

        var alice = await console.OpenAsync("alice");
        var open = alice.GetByTestId("open-incidents");
        var resolved = alice.GetByTestId("resolved-incidents");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(3);
        await Expect(resolved.Locator(".incident-row")).ToHaveCountAsync(1);
        await Expect(resolved.GetByTestId("incident-3").GetByTestId("incident-meta")).ToContainTextAsync(new Regex(@"· resolved \d+[sm] ago · lasted \d+[sm]( \d+s)?$"));
        await Expect(resolved.GetByTestId("incident-3")).ToContainTextAsync("2/2 alerts firing");

        // Both alerts resolve after the incident: the resolved incident's count follows, live.
        (await api.PostAsync("/webhooks/generic", JsonBody("""[{"title":"Checkout payments fail","dedupKey":"payments","fingerprint":"p1","status":"resolved"},{"title":"Checkout payments fail","dedupKey":"payments","fingerprint":"p2","status":"resolved"}]"""))).EnsureSuccessStatusCode();
        await Expect(resolved.GetByTestId("incident-3")).ToContainTextAsync("0/2 alerts firing");

        // Title search, ignoring case.
        await alice.GetByLabel("Search titles").FillAsync("CHECKOUT");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(1);
        await Expect(open.GetByTestId("incident-1")).ToBeVisibleAsync();
        await Expect(resolved.GetByTestId("incident-3")).ToBeVisibleAsync();
        await Expect(alice).ToHaveURLAsync(new Regex(@"#/\?q=CHECKOUT$"));

        // Severity and status.
        await alice.GetByLabel("Search titles").FillAsync("");
        await alice.GetByLabel("Filter by SEV level").SelectOptionAsync("sev1");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(1);
        await Expect(open.GetByTestId("incident-1")).ToBeVisibleAsync();
        await Expect(resolved.Locator(".incident-row")).ToHaveCountAsync(1);
        await alice.GetByLabel("Filter by SEV level").SelectOptionAsync("sev4");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(0);
        await Expect(resolved.Locator(".incident-row")).ToHaveCountAsync(0);
        await alice.GetByLabel("Filter by SEV level").SelectOptionAsync("");
        await alice.GetByLabel("Filter by status").SelectOptionAsync("resolved");
        await Expect(open).ToBeHiddenAsync();
        await Expect(resolved.Locator(".incident-row")).ToHaveCountAsync(1);
        await alice.GetByLabel("Filter by status").SelectOptionAsync("all");

        // Service, typed.
        await alice.GetByLabel("Filter by service").FillAsync("search");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(1);
        await Expect(open.GetByTestId("incident-2")).ToBeVisibleAsync();
        await alice.GetByLabel("Filter by service").FillAsync("");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(3);

        // Drills apart from real incidents.
        await alice.GetByLabel("Filter drills").SelectOptionAsync("true");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(1);
        await Expect(open.GetByTestId("incident-4")).ToContainTextAsync("DRILL");
        await alice.GetByLabel("Filter drills").SelectOptionAsync("false");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(2);
        await Expect(open.GetByTestId("incident-4")).ToHaveCountAsync(0);

        // The filters are in the address: a reload keeps them, and a live update keeps to them.
        await alice.ReloadAsync();
        await Expect(alice.GetByLabel("Filter drills")).ToHaveValueAsync("false");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(2);
        await api.CommandAsync(null, "lena", "drill run disk-filling-up");
        await api.CommandAsync(null, "bob", "declare Checkout cache cold sev4");
        await Expect(open.Locator(".incident-row")).ToHaveCountAsync(3);
        await Expect(open.GetByTestId("incident-6")).ToContainTextAsync("Checkout cache cold");
        await Expect(open.GetByTestId("incident-5")).ToHaveCountAsync(0);

        // A bad filter in the address gets the server's reason, not a blank page.
        await alice.GotoAsync("/#/?severity=urgent");
        await alice.ReloadAsync();
        await Expect(alice.GetByTestId("filter-problem")).ToContainTextAsync("'urgent' is not a severity");
    }

    [SkippableFact]
    public async Task ResolvedIncidentsSayHowLongAgoAndHowLongTheyLasted()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var api = console.Bot.Client;
        await api.CommandAsync(null, "bob", "declare Checkout errors sev2");
        await api.CommandAsync(1, "bob", "resolve");
        var incident = await console.Bot.IncidentAsync(1);
        var alice = await console.OpenAsync("alice", waitUntilLive: false);
        // The browser's clock 2 h 5 min after the resolve: the list counts from the server's times.
        await alice.Clock.SetFixedTimeAsync(incident.ResolvedAt!.Value.AddHours(2).AddMinutes(5));
        await alice.ReloadAsync();

        var row = alice.GetByTestId("resolved-incidents").GetByTestId("incident-1");
        await Expect(row.GetByTestId("incident-meta")).ToContainTextAsync(new Regex(@"resolved 2h 5m ago · lasted \d+s$"));
        await Expect(alice.GetByTestId("open-incidents")).ToContainTextAsync("Nothing is open");
    }
}
