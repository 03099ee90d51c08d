using System.Text;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>Moving from one room to another while the first one's live refresh is still on its way (a slow phone network).</summary>
public sealed class RoomNavigationTests
{
    /// <summary>
    /// Opening room 1 on a slow network, then room 2 before room 1 has loaded: when room 1's header or messages arrive
    /// late, they are dropped, never drawn into room 2 (where its buttons would act on the wrong incident).
    /// </summary>
    [SkippableTheory]
    [InlineData(@"/api/incidents/1$")]
    [InlineData(@"/api/incidents/1/room\?after=")]
    public async Task ALateAnswerForTheRoomJustLeftNeverShowsInTheNextRoom(string slowRequest)
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var api = console.Bot.Client;
        (await api.PostAsync("/webhooks/alertmanager", new StringContent(AlertPayloads.PostgresPrimaryDown, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await console.Bot.IncidentsAsync()).Count == 1, "the incident");
        await api.CommandAsync(null, "alice", "declare Search is slow sev3");
        var page = await console.OpenAsync("alice");
        await Expect(page.GetByTestId("incident-2")).ToBeVisibleAsync();

        var held = new TaskCompletionSource<IRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new Regex(slowRequest);
        await page.RouteAsync(url => slow.IsMatch(url), route => { held.TrySetResult(route); return Task.CompletedTask; });
        await page.GotoAsync("/#/incidents/1");
        var late = await held.Task.WaitAsync(TimeSpan.FromSeconds(15));

        await page.GotoAsync("/#/incidents/2");
        await Expect(page.Locator(".room-head")).ToContainTextAsync("Search is slow");
        await Expect(page.GetByTestId("stream")).ToContainTextAsync("Search is slow");
        var finished = page.WaitForRequestFinishedAsync(new() { Predicate = r => r.Url == late.Request.Url });
        await late.ContinueAsync();
        await finished;
        // The page has read the late answer once a task queued after it has run.
        await page.EvaluateAsync("() => new Promise(done => setTimeout(() => requestAnimationFrame(() => setTimeout(done))))");

        await Expect(page.Locator(".room-head")).ToContainTextAsync("INC-2");
        await Expect(page.Locator(".room-head")).Not.ToContainTextAsync("Orders primary database");
        await Expect(page.GetByTestId("stream")).Not.ToContainTextAsync("Confirm the primary is down");
        await Expect(page.Locator("#side")).Not.ToContainTextAsync("orders-db");
    }
}
