using System.Net;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace IncidentBot.Tests.WebConsole;

/// <summary>Who may use the console and the API: loopback by default, a token anywhere else.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ConsoleAccessTests
{
    private const string Token = "a-long-random-console-token";

    [Fact]
    public async Task WithATokenTheApiAndConsoleRequireIt()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var anonymousApi = await client.GetAsync("/api/incidents");
        var anonymousPage = await client.GetAsync("/");
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, "/api/incidents") { Headers = { { "Authorization", $"Bearer {Token}" } } };
        var authorised = await client.SendAsync(withHeader);
        var health = await client.GetAsync("/healthz");
        var webhook = await app.PostRawAsync("/webhooks/generic", """{"title":"still accepted from loopback"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, anonymousPage.StatusCode);
        Assert.Equal("/login", anonymousPage.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, webhook.StatusCode); // webhooks keep their own credentials
    }

    [Fact]
    public async Task LoginWithTheTokenSetsACookieThatOpensTheConsole()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var wrong = await client.PostAsync("/login", new FormUrlEncodedContent([new("token", "guess")]));
        var right = await client.PostAsync("/login", new FormUrlEncodedContent([new("token", Token)]));
        var page = await client.GetAsync("/");
        var api = await client.GetAsync("/api/incidents");

        Assert.Contains("does not match", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains("HttpOnly", string.Join(";", right.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>IncidentBot</title>", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task RoomRecordsWhatPeopleSayAndAnswersThemPrivately()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Search is slow sev3");
        var client = app.CreateClient();

        var said = await client.PostAsync("/api/incidents/1/room", new StringContent("""{"user":"bob","text":"roles"}""", System.Text.Encoding.UTF8, "application/json"));
        // The summary comes through the outbox, bob's message straight away: either may be first.
        await Eventually.TrueAsync(async () => (await client.GetStringAsync("/api/incidents/1/room")) is var r && r.Contains("\"author\":\"bob\"") && r.Contains("msg-incident"), "the room to hold the summary and bob's message", TimeSpan.FromSeconds(10));
        var room = await client.GetStringAsync("/api/incidents/1/room");

        Assert.Equal(HttpStatusCode.OK, said.StatusCode);
        Assert.Contains("Roles in INC-1", await said.Content.ReadAsStringAsync());
        Assert.Contains("\"author\":\"bob\",\"text\":\"roles\"", room);
        Assert.Contains("Search is slow", room);
        Assert.Contains("msg-incident", room);
        Assert.DoesNotContain("Roles in INC-1", room); // the private answer stays private
    }
}
