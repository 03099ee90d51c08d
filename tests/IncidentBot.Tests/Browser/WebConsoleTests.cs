using IncidentBot.Tests.Infrastructure;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>The web console in a real browser: live incidents, the room, buttons and the command box.</summary>
public sealed class WebConsoleTests
{
    [SkippableFact]
    public async Task AlertAppearsLiveAndTheIncidentIsWorkedToTheEndWithButtonsAndCommands()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var alice = await console.OpenAsync("alice");
        var bob = await console.OpenAsync("bob");
        await Expect(alice.GetByTestId("open-incidents")).ToContainTextAsync("Nothing is open");

        await console.Bot.Client.PostAsync("/webhooks/alertmanager", new StringContent(AlertPayloads.PostgresPrimaryDown, Encoding.UTF8, "application/json"));

        // Both browsers see the new incident without reloading.
        await Expect(alice.GetByTestId("incident-1")).ToContainTextAsync("Orders primary database is down");
        await Expect(bob.GetByTestId("incident-1")).ToContainTextAsync("SEV1");

        await alice.GetByTestId("incident-1").ClickAsync();
        await bob.GotoAsync("/#/incidents/1");
        await Expect(alice.GetByTestId("stream")).ToContainTextAsync("step 1 of 7: Confirm the primary is down");

        await alice.GetByRole(AriaRole.Button, new() { Name = "I'm incident commander" }).First.ClickAsync();
        await Expect(alice.GetByTestId("role-commander")).ToHaveTextAsync("@alice");
        await Expect(bob.GetByTestId("role-commander")).ToHaveTextAsync("@alice"); // live in the other browser

        for (var step = 1; step <= 7; step++)
        {
            var current = alice.Locator(".msg-runbook-step").Last;
            await Expect(current).ToContainTextAsync($"step {step} of 7");
            await current.Locator(".check").First.ClickAsync();
            await Expect(alice.Locator(".msg-runbook-step").Last.Locator(".check").First).ToHaveAttributeAsync("aria-pressed", "true");
            if (step % 2 == 0)
            {
                await alice.GetByLabel("Command").FillAsync("done");
                await alice.GetByLabel("Command").PressAsync("Enter");
            }
            else
            {
                await alice.Locator(".msg-runbook-step").Last.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
            }
        }
        await Expect(alice.GetByTestId("stream")).ToContainTextAsync("Runbook finished: Primary database failover");
        await Expect(bob.GetByTestId("stream")).ToContainTextAsync("Runbook finished: Primary database failover");
        await Expect(alice.GetByTestId("session-progress")).ToHaveTextAsync("finished");

        await alice.Locator("#room-head").GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Expect(alice.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("resolved");
        await Expect(bob.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("resolved");
        await Expect(bob.GetByTestId("stream")).ToContainTextAsync("@alice resolved INC-1");

        var incident = await console.Bot.IncidentAsync(1);
        Assert.Equal("resolved", incident.Status);
        Assert.All(incident.RunbookSessions![0].Steps, s => Assert.Equal("alice", s.By));
        Assert.All(incident.RunbookSessions![0].Steps, s => Assert.True(s.Checklist[0].Checked));
    }

    [SkippableFact]
    public async Task CommandBoxAnswersPrivatelyAndOthersSeeWhatWasSaid()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var alice = await console.OpenAsync("alice");
        await alice.GetByLabel("Incident title").FillAsync("Checkout latency");
        await alice.GetByLabel("Severity").SelectOptionAsync("sev2");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();
        await Expect(alice.Locator(".room-head")).ToContainTextAsync("Checkout latency");
        var bob = await console.OpenAsync("bob");
        await bob.GotoAsync("/#/incidents/1");

        await alice.GetByLabel("Command").FillAsync("akc");
        await alice.GetByLabel("Command").PressAsync("Enter");
        await alice.GetByLabel("Command").FillAsync("update Latency back to normal after cache warm-up");
        await alice.GetByLabel("Command").PressAsync("Enter");

        await Expect(alice.Locator(".entry.private")).ToContainTextAsync("Did you mean ack?");
        await Expect(bob.GetByTestId("stream")).ToContainTextAsync("Latency back to normal after cache warm-up");
        await Expect(bob.GetByTestId("stream")).ToContainTextAsync("akc"); // what people type is shown to the room
        await Expect(bob.Locator(".entry.private")).ToHaveCountAsync(0); // the private answer is not
    }

    [SkippableFact]
    public async Task LeadSchedulesAndRunsADrillFromTheDrillsPage()
    {
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["Drills:Leads:0"] = "lena" });
        var lena = await console.OpenAsync("lena");
        await lena.GotoAsync("/#/drills");

        await lena.GetByLabel("Cron expression").FillAsync("0 0 25 * * ?");
        await lena.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
        await Expect(lena.Locator("#drill-result")).ToContainTextAsync("is not a Quartz cron expression");

        await lena.GetByLabel("Cron expression").FillAsync("0 0 10 ? * TUE");
        await lena.GetByLabel("Runbook").SelectOptionAsync("disk-filling-up");
        await lena.GetByLabel("Time zone").FillAsync("Europe/Berlin");
        await lena.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
        await Expect(lena.GetByTestId("drill-d1")).ToContainTextAsync("next: Tue");

        await lena.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(lena.Locator(".room-head")).ToContainTextAsync("DRILL");
        await Expect(lena.GetByTestId("stream")).ToContainTextAsync("step 1 of");
    }

    [SkippableFact]
    public async Task LeadSeesResponseTimesPerServiceWithDrillsApart()
    {
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["Drills:Leads:0"] = "lena" });
        var api = console.Bot.Client;
        (await api.PostAsync("/webhooks/alertmanager", new StringContent(AlertPayloads.PostgresPrimaryDown, System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the incident");
        await api.CommandAsync(1, "alice", "ack");
        await api.CommandAsync(1, "alice", "update failing over");
        await api.CommandAsync(1, "alice", "resolve");
        await api.CommandAsync(null, "lena", "drill run disk-filling-up");

        var lena = await console.OpenAsync("lena");
        await lena.GotoAsync("/#/");
        await lena.GetByRole(AriaRole.Link, new() { Name = "Response" }).ClickAsync();

        var incidents = lena.GetByTestId("response-incidents");
        await Expect(incidents.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(incidents).ToContainTextAsync("orders-db");
        await Expect(incidents).ToContainTextAsync("SEV1");
        await Expect(lena.GetByTestId("response-updates")).ToContainTextAsync("100% kept: 1 posted, 0 missed");
        await Expect(lena.GetByTestId("response-drills").Locator("tbody tr")).ToHaveCountAsync(1);
        await lena.GetByRole(AriaRole.Link, new() { Name = "Last 7 days" }).ClickAsync();
        await Expect(lena).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("days=7"));
        await Expect(incidents).ToContainTextAsync("orders-db");
    }

    [SkippableFact]
    public async Task ResolvedIncidentsReviewIsReadAndEditedInTheConsole()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var alice = await console.OpenAsync("alice");
        await alice.GetByLabel("Incident title").FillAsync("Payments timing out");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();
        await Expect(alice.Locator(".room-head")).ToContainTextAsync("Payments timing out");
        await alice.GetByLabel("Command").FillAsync("resolve provider recovered");
        await alice.GetByLabel("Command").PressAsync("Enter");

        await alice.Locator(".room-head").GetByRole(AriaRole.Link, new() { Name = "Review" }).ClickAsync();
        await Expect(alice.GetByTestId("review")).ToContainTextAsync("Payments timing out", new() { Timeout = 15_000 });
        await Expect(alice.GetByTestId("review")).ToContainTextAsync("To fill");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var editor = alice.GetByLabel("Review Markdown");
        await editor.FillAsync((await editor.InputValueAsync()).Replace("Payments timing out", "Payments timing out (reviewed)"));
        await alice.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(alice.GetByTestId("review-version")).ToHaveTextAsync("version 2");
        await Expect(alice.GetByTestId("review")).ToContainTextAsync("(reviewed)");
    }

    [SkippableFact]
    public async Task RunbookLibraryIsRenderedAndWorksOnAPhoneScreen()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var phone = await console.OpenAsync("carol", width: 390, height: 844);

        await phone.GotoAsync("/#/runbooks");
        await phone.GetByText("Primary database failover").ClickAsync();

        await Expect(phone.Locator(".runbook-step").First).ToContainTextAsync("1. Confirm the primary is down");
        await Expect(phone.Locator(".runbook-step pre code.language-bash").First).ToContainTextAsync("pg_isready");
        var width = await phone.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page scrolls sideways on a phone ({width}px)");
    }
}
