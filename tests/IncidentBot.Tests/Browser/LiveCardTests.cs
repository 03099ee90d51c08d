using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// In the console room the incident's header card and a runbook's step card are replaced in place, live, in every
/// browser in the room: one card each, never a second copy.
/// </summary>
public sealed class LiveCardTests
{
    [SkippableFact]
    public async Task TheHeaderCardIsUpdatedInPlaceAfterAckInEveryBrowserAndAfterAReload()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        await console.Bot.Client.CommandAsync(null, "alice", "declare Checkout latency sev2");
        var alice = await console.OpenAsync("alice");
        var bob = await console.OpenAsync("bob");
        await alice.GotoAsync("/#/incidents/1");
        await bob.GotoAsync("/#/incidents/1");
        var card = alice.GetByTestId("stream").Locator(".msg-incident");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync("triggered");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToBeVisibleAsync();

        await alice.GetByLabel("Command").FillAsync("ack");
        await alice.GetByLabel("Command").PressAsync("Enter");

        foreach (var page in new[] { alice, bob })
        {
            var stream = page.GetByTestId("stream");
            await Expect(stream).ToContainTextAsync("@alice acknowledged INC-1");
            await Expect(stream.Locator(".msg-incident")).ToContainTextAsync("acknowledged");
            await Expect(stream.Locator(".msg-incident")).ToHaveCountAsync(1);
            await Expect(stream.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToHaveCountAsync(0);
            // In its place: the card is still the room's first message, above the acknowledgement.
            await Expect(stream.Locator(".entry").First.Locator(".msg-incident")).ToHaveCountAsync(1);
        }

        await alice.ReloadAsync();
        await Expect(alice.GetByTestId("stream")).ToContainTextAsync("@alice acknowledged INC-1");
        await Expect(alice.GetByTestId("stream").Locator(".msg-incident")).ToHaveCountAsync(1);
        await Expect(alice.GetByTestId("stream").Locator(".msg-incident")).ToContainTextAsync("acknowledged");
    }

    [SkippableFact]
    public async Task ARunbookStepCardIsReplacedInPlaceWhenAnItemIsTickedAndAStepIsDone()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        await console.Bot.Client.CommandAsync(null, "alice", "declare Disk full on node-3 sev2");
        await console.Bot.Client.CommandAsync(1, "alice", "runbook start disk-filling-up");
        var alice = await console.OpenAsync("alice");
        await alice.GotoAsync("/#/incidents/1");
        var steps = alice.GetByTestId("stream").Locator(".msg-runbook-step");
        await Expect(steps).ToHaveCountAsync(1);
        await Expect(steps).ToContainTextAsync("step 1 of 7");

        await alice.GetByLabel("Command").FillAsync("check 1");
        await alice.GetByLabel("Command").PressAsync("Enter");
        await Expect(alice.GetByTestId("stream")).ToContainTextAsync("@alice ticked");
        await Expect(steps.Locator(".check").First).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(steps).ToHaveCountAsync(1);

        await steps.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(alice.GetByTestId("stream")).ToContainTextAsync("@alice completed step 1 in");
        await Expect(steps).ToContainTextAsync("step 2 of 7");
        await Expect(steps).ToHaveCountAsync(1);
        await Expect(alice.GetByTestId("stream").Locator(".msg-incident")).ToContainTextAsync("step 2 of 7");
    }
}
