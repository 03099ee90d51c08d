using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using IncidentBot.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// Two replicas (two bot processes) on one PostgreSQL database, each with the console behind an access token: a
/// session opened on one is good on the other and after a restart, and a browser on replica B sees, within a second,
/// what a command run through replica A changed.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class ReplicaConsoleTests(PostgresServer server) : IAsyncDisposable
{
    private const string Token = "a-long-random-console-token-for-two-replicas";

    private readonly List<string> _folders = [];

    [SkippableFact]
    public async Task ABrowserOnReplicaBSeesACommandRunThroughReplicaAWithinASecondAndTheSessionIsGoodOnBoth()
    {
        ConsoleBrowser.RequireChromium();
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:IncidentBot"] = await server.CreateDatabaseAsync(),
            ["WebConsole:AccessToken"] = Token,
        };
        // Started together, as a deployment starts its replicas: they must agree on one session key.
        var starting = new[] { Folder("a"), Folder("b") }.Select(folder => BotProcess.StartAsync(folder, settings)).ToList();
        await using var a = await starting[0];
        var b = await starting[1];
        await using var console = await ConsoleBrowser.AttachAsync(b, Folder("browser"));

        // Signed in on A; the same cookie is a session on B.
        var session = await SignInAsync(a);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(b, "/api/incidents", session)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(b, "/api/incidents", null)).StatusCode);

        using var throughA = new HttpClient { BaseAddress = a.Client.BaseAddress };
        throughA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var declared = await throughA.CommandAsync(null, "alice", "declare Checkout is down sev2");
        var number = declared.IncidentNumber!.Value;

        var page = await console.OpenWithCookiesAsync($"/#/incidents/{number}", [new() { Name = session.Name, Value = session.Value, Domain = "127.0.0.1", Path = "/" }]);
        await Expect(page.Locator("#live")).ToHaveTextAsync("live");
        await Expect(page.Locator(".room-head")).ToContainTextAsync("Checkout is down");
        await Expect(page.Locator(".room-head [data-testid=status]")).ToHaveTextAsync("triggered");

        // A command typed into the room through replica A: its message and the change it makes reach B's browser.
        var said = await throughA.PostAsJsonAsync($"/api/incidents/{number}/room", new { user = "alice", text = "ack" });
        said.EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        await Expect(page.Locator(".room-head [data-testid=status]")).ToHaveTextAsync("acknowledged");
        var statusSeen = clock.Elapsed;
        await Expect(page.Locator(".entry.person").Filter(new() { HasText = "@alice" })).ToContainTextAsync("ack");
        var messageSeen = clock.Elapsed;

        Console.WriteLine($"Replica B's browser saw A's change after {statusSeen.TotalMilliseconds:F0} ms and its room message after {messageSeen.TotalMilliseconds:F0} ms");
        Assert.True(statusSeen < TimeSpan.FromSeconds(1), $"B's browser saw the acknowledgement after {statusSeen.TotalMilliseconds:F0} ms");
        Assert.True(messageSeen < TimeSpan.FromSeconds(1), $"B's browser saw the room message after {messageSeen.TotalMilliseconds:F0} ms");

        // Both replicas restarted (a rolling update): the session is still good.
        await a.TerminateAsync(TimeSpan.FromSeconds(30));
        await using var restarted = await BotProcess.StartAsync(Folder("a2"), settings);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(restarted, "/api/incidents", session)).StatusCode);
    }

    private static async Task<Cookie> SignInAsync(BotProcess bot)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = bot.Client.BaseAddress };
        var signedIn = await client.PostAsync("/login", new FormUrlEncodedContent([new("token", Token)]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Assert.Single(cookies.GetCookies(bot.Client.BaseAddress!), c => c.Name == "incidentbot_console");
    }

    private static async Task<HttpResponseMessage> GetAsync(BotProcess bot, string path, Cookie? session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (session is not null)
        {
            request.Headers.Add("Cookie", $"{session.Name}={session.Value}");
        }
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = bot.Client.BaseAddress };
        return await client.SendAsync(request);
    }

    private string Folder(string name)
    {
        var folder = Directory.CreateTempSubdirectory($"incidentbot-replica-{name}-").FullName;
        _folders.Add(folder);
        return folder;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var folder in _folders)
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
        return ValueTask.CompletedTask;
    }
}
