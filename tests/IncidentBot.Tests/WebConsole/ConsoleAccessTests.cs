using System.Diagnostics;
using System.Net;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.WebConsole;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace IncidentBot.Tests.WebConsole;

/// <summary>Who may use the console and the API: loopback by default, a token anywhere else.</summary>
public sealed class ConsoleAccessTests
{
    private const string Token = "a-long-random-console-token";

    [Theory]
    [InlineData("http://localhost:5080", null, true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5080", null, true)]
    [InlineData("http://0.0.0.0:5080", null, false)]
    [InlineData("http://*:5080", null, false)]
    [InlineData("http://incidentbot.example.com:80", null, false)]
    [InlineData("http://0.0.0.0:5080", Token, true)]
    public void ListeningBeyondLoopbackNeedsAToken(string urls, string? token, bool allowed)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();

        var start = () => ConsoleAccess.RequireTokenOffLoopback(configuration, new WebConsoleOptions { AccessToken = token });

        if (allowed)
        {
            start();
        }
        else
        {
            Assert.Contains("Set WebConsole:AccessToken", Assert.Throws<InvalidOperationException>(start).Message);
        }
    }

    [Fact]
    public async Task BotRefusesToStartOnAllInterfacesWithoutAToken()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in new[] { BotProcess.HostAssembly(), "--urls", $"http://0.0.0.0:{BotProcess.FreePort()}", "--Storage:Path", Path.Combine(Path.GetTempPath(), $"refused-{Guid.NewGuid()}.db") })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("with no access control", output);
    }

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
        await Eventually.TrueAsync(async () => (await client.GetStringAsync("/api/incidents/1/room")).Contains("\"author\":\"bob\""), "the room to hold the summary and bob's message", TimeSpan.FromSeconds(10));
        var room = await client.GetStringAsync("/api/incidents/1/room");

        Assert.Equal(HttpStatusCode.OK, said.StatusCode);
        Assert.Contains("Roles in INC-1", await said.Content.ReadAsStringAsync());
        Assert.Contains("\"author\":\"bob\",\"text\":\"roles\"", room);
        Assert.Contains("Search is slow", room);
        Assert.Contains("msg-incident", room);
        Assert.DoesNotContain("Roles in INC-1", room); // the private answer stays private
    }
}
