using System.Text;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Security.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>Roles in a real browser: a viewer reads and is told which role a change needs; someone with none gets a page saying why.</summary>
public sealed class RoleConsoleTests
{
    [SkippableFact]
    public async Task AViewerReadsTheIncidentAndIsToldThatAcknowledgingNeedsTheResponderRole()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string>(provider.Settings()) { ["Access:Viewers:0"] = "ALICE@example.com" });
        (await console.Bot.Client.PostAsync("/webhooks/alertmanager", new StringContent(AlertPayloads.PostgresPrimaryDown, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var page = await console.OpenAsync(null);
        // A viewer sees the incident come in and opens it.
        await page.GetByTestId("incident-1").ClickAsync();
        await Expect(page.Locator(".room-head")).ToContainTextAsync("INC-1");
        // The buttons that would change the incident are on the page but not offered to a viewer.
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-role", "viewer");
        await Expect(page.Locator(".room-head button[data-command='ack']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".room-head button[data-command='ack']")).ToBeHiddenAsync();
        await Expect(page.Locator("#declare")).ToBeHiddenAsync();
        await page.GetByLabel("Command").FillAsync("ack");
        await page.GetByLabel("Command").PressAsync("Enter");

        await Expect(page.Locator(".msg-error")).ToContainTextAsync("`ack` needs the responder role (Access:Responders)");
        await Expect(page.Locator(".msg-error")).ToContainTextAsync("Ask an admin to add alice@example.com");
        await Expect(page.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("triggered");
        await Expect(page.GetByTestId("timeline")).Not.ToContainTextAsync("Alice Example");
    }

    [SkippableFact]
    public async Task AResponderIsOfferedTheButtonsAndAcknowledgesWithOne()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string>(provider.Settings()) { ["Access:Responders:0"] = "alice@example.com" });
        (await console.Bot.Client.PostAsync("/webhooks/alertmanager", new StringContent(AlertPayloads.PostgresPrimaryDown, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var page = await console.OpenAsync(null);
        await page.GetByTestId("incident-1").ClickAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-role", "responder");
        await page.Locator(".room-head button[data-command='ack']").ClickAsync();

        await Expect(page.Locator(".room-head").GetByTestId("status")).ToHaveTextAsync("acknowledged");
    }

    [SkippableFact]
    public async Task SomeoneSignedInWithNoRoleSeesWhyInsteadOfTheConsole()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        provider.User = provider.User with { Name = "<b>Mallory</b>", Email = "mallory@example.com", Groups = ["contractors"] };
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string>(provider.Settings()) { ["Access:Leads:0"] = "incident-leads" });

        var page = await console.OpenAsync(null, waitUntilLive: false);

        var refusal = page.GetByTestId("no-role");
        await Expect(refusal).ToContainTextAsync("You are signed in as <b>Mallory</b> (mallory@example.com), who is in none of Access:Viewers, Access:Responders or Access:Leads");
        await Expect(page.Locator("b")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
    }
}
