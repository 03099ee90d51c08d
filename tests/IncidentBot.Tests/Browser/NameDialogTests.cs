using System.Text;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// A first visit (no name stored in the browser): the incidents and rooms show at once; the console asks for the
/// person's name only at the first action that needs it, then carries that action out under the name.
/// </summary>
public sealed class NameDialogTests
{
    [SkippableTheory]
    [InlineData("command box", false)]
    [InlineData("Acknowledge button", false)]
    [InlineData("command box", true)]
    [InlineData("Acknowledge button", true)]
    public async Task TheListAndTheRoomShowAtOnceAndTheFirstActionAsksForTheNameThenRuns(string action, bool phone)
    {
        await using var console = await ConsoleBrowser.StartAsync();
        await PostAlertAsync(console);
        var page = phone ? await console.OpenAsync(null, 390, 844, phone: true) : await console.OpenAsync(null);
        var dialog = page.Locator("#name-dialog");

        await Expect(page.GetByTestId("incident-1")).ToContainTextAsync("Orders primary database is down");
        await Expect(dialog).Not.ToBeVisibleAsync();
        await Expect(page.Locator("#who")).ToHaveTextAsync("set your name");
        await page.GetByTestId("incident-1").ClickAsync(); // nothing covers the list
        await Expect(page.GetByTestId("stream")).ToContainTextAsync("step 1 of 7");
        await Expect(dialog).Not.ToBeVisibleAsync();

        if (action == "command box")
        {
            await page.GetByLabel("Command").FillAsync("ack");
            await page.GetByLabel("Command").PressAsync("Enter");
        }
        else
        {
            await page.Locator("#room-head").GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        }
        await Expect(dialog).ToBeVisibleAsync();
        Assert.Equal("triggered", (await console.Bot.IncidentAsync(1)).Status); // nothing ran without a name
        await page.GetByPlaceholder("e.g. alice").FillAsync("@dana");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(dialog).Not.ToBeVisibleAsync();
        await Expect(page.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("acknowledged");
        await Expect(page.GetByTestId("stream")).ToContainTextAsync("@dana");
        await Expect(page.Locator("#who")).ToHaveTextAsync("@dana");
        Assert.Contains((await console.Bot.IncidentAsync(1)).Timeline!, e => e.Actor == "dana");

        // The name is kept: the next action runs at once.
        await page.GetByLabel("Command").FillAsync("role commander");
        await page.GetByLabel("Command").PressAsync("Enter");
        await Expect(page.GetByTestId("role-commander")).ToHaveTextAsync("@dana");
        await Expect(dialog).Not.ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task DeclaringFromTheListAsksForTheNameFirstAndDeclaresUnderIt()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var page = await console.OpenAsync(null);
        await page.GetByLabel("Incident title").FillAsync("Search is slow");
        await page.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();

        await Expect(page.Locator("#name-dialog")).ToBeVisibleAsync();
        await page.GetByPlaceholder("e.g. alice").FillAsync("erin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(page.Locator(".room-head")).ToContainTextAsync("Search is slow");
        var incident = await console.Bot.IncidentAsync(1);
        Assert.Contains(incident.Timeline!, e => e.Actor == "erin");
    }

    [SkippableFact]
    public async Task ClosingTheDialogWithoutANameRunsNothingAndKeepsWhatWasTyped()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        await PostAlertAsync(console);
        var page = await console.OpenAsync(null);
        await page.GotoAsync("/#/incidents/1");
        await Expect(page.GetByTestId("stream")).ToContainTextAsync("step 1 of 7");

        await page.GetByLabel("Command").FillAsync("ack");
        await page.GetByLabel("Command").PressAsync("Enter");
        await Expect(page.Locator("#name-dialog")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        await Expect(page.Locator("#name-dialog")).Not.ToBeVisibleAsync();
        await Expect(page.GetByLabel("Command")).ToHaveValueAsync("ack");
        await Expect(page.Locator("#who")).ToHaveTextAsync("set your name");
        // Asked again at the next try; the command then runs once, under the name given.
        await page.Locator("#room-head").GetByRole(AriaRole.Button, new() { Name = "I'm incident commander" }).ClickAsync();
        await Expect(page.Locator("#name-dialog")).ToBeVisibleAsync();
        await page.GetByPlaceholder("e.g. alice").FillAsync("frank");
        await page.GetByPlaceholder("e.g. alice").PressAsync("Enter");
        await Expect(page.GetByTestId("role-commander")).ToHaveTextAsync("@frank");
        var incident = await console.Bot.IncidentAsync(1);
        Assert.Equal("triggered", incident.Status);
        Assert.DoesNotContain(incident.Timeline!, e => e.Actor is null or "");
    }

    private static async Task PostAlertAsync(ConsoleBrowser console)
    {
        (await console.Bot.Client.PostAsync("/webhooks/alertmanager", new StringContent(AlertPayloads.PostgresPrimaryDown, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the incident");
    }
}
