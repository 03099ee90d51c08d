using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>A console tab refused a live-update stream (429: its machine has too many open) gets one as soon as another closes.</summary>
public sealed class EventStreamLimitTests
{
    [SkippableFact]
    public async Task ATabPastTheStreamCapSaysReconnectingAndGoesLiveWhenAnotherTabCloses()
    {
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["ClientLimits:MaxEventStreams"] = "1" });
        var first = await console.OpenAsync("alice");

        // The browser gives up on an EventSource refused with an HTTP error; the console opens a new one later.
        var second = await console.OpenAsync("bob", waitUntilLive: false);
        await Expect(second.Locator("#live")).ToHaveTextAsync("reconnecting…");

        await first.Context.CloseAsync();
        await Expect(second.Locator("#live")).ToHaveTextAsync("live", new LocatorAssertionsToHaveTextOptions { Timeout = 25_000 });
    }
}
