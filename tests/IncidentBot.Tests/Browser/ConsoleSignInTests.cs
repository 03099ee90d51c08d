using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>Signing in to a console with an access token in a real browser, under the console's Content-Security-Policy.</summary>
public sealed class ConsoleSignInTests
{
    private const string Token = "a-long-random-console-token-for-the-browser";

    [SkippableFact]
    public async Task SigningInOpensTheConsoleAndNoPageBreaksTheContentSecurityPolicy()
    {
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["WebConsole:AccessToken"] = Token });
        var violations = new List<string>();
        var page = await console.NewPageAsync("/", violations);
        await page.EvaluateAsync("localStorage.setItem('incidentbot.user', 'alice')");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login$"));
        await page.GetByLabel("Access token").FillAsync("a wrong guess");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator(".error")).ToContainTextAsync("does not match");
        await page.GetByLabel("Access token").FillAsync(Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#live")).ToHaveTextAsync("live");

        // The session works for the console's own API calls: declare an incident and open its review page.
        await page.GetByLabel("Incident title").FillAsync("Checkout is slow");
        await page.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();
        await Expect(page.Locator(".room-head")).ToContainTextAsync("Checkout is slow");
        foreach (var view in new[] { "/#/runbooks", "/#/drills", "/#/response", "/#/" })
        {
            await page.GotoAsync(view);
            await Expect(page.Locator("#live")).ToHaveTextAsync("live");
        }
        var cookies = await page.Context.CookiesAsync();

        var session = Assert.Single(cookies, c => c.Name == "incidentbot_console");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(Token, session.Value);
        lock (violations)
        {
            Assert.Empty(violations);
        }
        // And the policy is really enforced: inline script is refused by this browser.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }");
        Assert.False(await page.EvaluateAsync<bool>("() => window.inlineRan === true"));
        await Infrastructure.Eventually.TrueAsync(() => { lock (violations) { return violations.Count > 0; } }, "the browser to report the refused inline script");
    }
}
