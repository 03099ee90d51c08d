using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace IncidentBot.Tests.WebConsole;

/// <summary>Every answer the console gives a browser carries a strict Content-Security-Policy, nosniff and a referrer policy.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class BrowserHardeningTests
{
    [Theory]
    [InlineData("/", null)]
    [InlineData("/index.html", null)]
    [InlineData("/app.js", null)]
    [InlineData("/app.css", null)]
    [InlineData("/login", "a-long-random-console-token")]
    [InlineData("/", "a-long-random-console-token")]          // the redirect to /login
    [InlineData("/api/incidents", null)]
    [InlineData("/api/incidents/1/rca/html", null)]          // a problem
    [InlineData("/no-such-page", null)]
    [InlineData("/healthz", null)]
    public async Task EveryAnswerCarriesTheHeaders(string path, string? token)
    {
        await using var app = new IncidentBotApplication(token is null ? null : new() { ["WebConsole:AccessToken"] = token });

        var response = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("style-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Theory]
    [InlineData("index.html")]
    public async Task TheConsolePagesHaveNoInlineScriptOrStyle(string file)
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = "a-long-random-console-token" });
        var pages = new[]
        {
            await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "src", "IncidentBot", "wwwroot", file)),
            await app.CreateClient().GetStringAsync("/login"),
        };

        foreach (var page in pages)
        {
            Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=)[^>]*>", page);
            Assert.DoesNotContain("<style", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"\sstyle\s*=", page);
            Assert.DoesNotMatch(@"\son[a-z]+\s*=", page);
            Assert.DoesNotContain("javascript:", page, StringComparison.OrdinalIgnoreCase);
        }
    }
}
