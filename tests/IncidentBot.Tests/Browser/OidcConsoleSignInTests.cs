using IncidentBot.Tests.Security.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>Signing in to the console through an OpenID Connect provider (the loopback fake) in a real browser.</summary>
public sealed class OidcConsoleSignInTests
{
    [SkippableFact]
    public async Task ThePersonSignsInThroughTheProviderAndTheTimelineCarriesTheProvidersNameNotATypedOne()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        await using var console = await ConsoleBrowser.StartAsync(provider.Settings());

        // This browser has typed "mallory" in the past: with sign-in on, that name means nothing.
        var page = await console.OpenAsync("mallory");

        await Expect(page.Locator("#who")).ToHaveTextAsync("@Alice Example");
        await Expect(page.Locator("#who")).ToHaveAttributeAsync("title", "Signed in as alice@example.com");
        await page.GetByLabel("Incident title").FillAsync("Checkout is slow");
        await page.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();
        await Expect(page.Locator(".room-head")).ToContainTextAsync("Checkout is slow");
        await page.GetByLabel("Command").FillAsync("ack");
        await page.GetByLabel("Command").PressAsync("Enter");
        var timeline = page.GetByTestId("timeline");
        await Expect(timeline).ToContainTextAsync("Alice Example");
        await Expect(timeline).Not.ToContainTextAsync("mallory");
        await Expect(page.Locator("#name-dialog")).Not.ToBeVisibleAsync();
        Assert.Equal(1, provider.TokensIssued);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
        var me = await page.APIRequest.GetAsync("/api/me");
        Assert.Equal(401, me.Status);
    }
}
