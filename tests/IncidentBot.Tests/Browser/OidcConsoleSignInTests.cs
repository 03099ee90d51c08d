using IncidentBot.Tests.Security.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>Signing in to the console through an OpenID Connect provider (the loopback fake) in a real browser.</summary>
public sealed class OidcConsoleSignInTests
{
    [SkippableFact]
    public async Task ThePersonSignsInThroughTheProviderAndTheTimelineCarriesTheirHandleNotATypedName()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        // As Entra ID: preferred_username is the UPN, so the handle is its part before the @.
        provider.User = FakeOidcUser.Alice with { PreferredUsername = "alice.example@example.com" };
        await using var console = await ConsoleBrowser.StartAsync(provider.Settings());

        // This browser has typed "mallory" in the past: with sign-in on, that name means nothing.
        var page = await console.OpenAsync("mallory");

        // The header shows the display name; the handle (what commands name) and the e-mail are in its title.
        await Expect(page.Locator("#who")).ToHaveTextAsync("Alice Example");
        await Expect(page.Locator("#who")).ToHaveAttributeAsync("title", "Signed in as @alice.example (alice@example.com)");
        await page.GetByLabel("Incident title").FillAsync("Checkout is slow");
        await page.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();
        await Expect(page.Locator(".room-head")).ToContainTextAsync("Checkout is slow");
        await page.GetByLabel("Command").FillAsync("ack");
        await page.GetByLabel("Command").PressAsync("Enter");
        var timeline = page.GetByTestId("timeline");
        await Expect(timeline).ToContainTextAsync("alice.example");
        await Expect(timeline).Not.ToContainTextAsync("Alice Example");
        await Expect(timeline).Not.ToContainTextAsync("mallory");
        // The handle is what others type to name this person.
        await page.GetByLabel("Command").FillAsync("role commander @alice.example");
        await page.GetByLabel("Command").PressAsync("Enter");
        await Expect(timeline).ToContainTextAsync("commander");
        await Expect(page.Locator("#name-dialog")).Not.ToBeVisibleAsync();
        Assert.Equal(1, provider.TokensIssued);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
        var me = await page.APIRequest.GetAsync("/api/me");
        Assert.Equal(401, me.Status);
    }
}
