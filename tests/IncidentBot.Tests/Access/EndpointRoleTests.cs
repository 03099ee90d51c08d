using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Access;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Security.Fakes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Access;

/// <summary>
/// Roles on the HTTP API and the console: every <c>/api</c> endpoint declares the role it needs; API tokens of each
/// role and people signed in through the provider get what their role allows and a 403 that names the role for the
/// rest; someone signed in with no role gets a page that says why; typed names hold no role once lists are set.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class EndpointRoleTests : IAsyncLifetime
{
    private const string Remote = "203.0.113.7";
    private FakeOidcProvider _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeOidcProvider.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    /// <summary>What each endpoint needs, as the issue says: reading a viewer, changes a responder, drills and tokens a lead.</summary>
    private static readonly Dictionary<string, AccessRole> Expected = new()
    {
        ["GET /api/incidents/"] = AccessRole.Viewer,
        ["GET /api/incidents/{number:int}"] = AccessRole.Viewer,
        ["POST /api/incidents/"] = AccessRole.Responder,
        ["GET /api/metrics/response"] = AccessRole.Viewer,
        ["GET /api/incidents/{number:int}/alerts"] = AccessRole.Viewer,
        ["GET /api/incidents/{number:int}/room/"] = AccessRole.Viewer,
        // Commands check the command's own role; reading commands are a viewer's.
        ["POST /api/incidents/{number:int}/room/"] = AccessRole.Viewer,
        ["POST /api/incidents/{number:int}/commands"] = AccessRole.Viewer,
        ["POST /api/commands"] = AccessRole.Viewer,
        ["GET /api/events"] = AccessRole.Viewer,
        ["GET /api/runbooks/"] = AccessRole.Viewer,
        ["GET /api/runbooks/{id}"] = AccessRole.Viewer,
        ["GET /api/services/"] = AccessRole.Viewer,
        ["GET /api/services/{name}"] = AccessRole.Viewer,
        ["GET /api/drills/"] = AccessRole.Viewer,
        ["GET /api/drills/{id}/runs"] = AccessRole.Viewer,
        ["POST /api/drills/"] = AccessRole.Lead,
        ["POST /api/drills/run"] = AccessRole.Lead,
        ["DELETE /api/drills/{id}"] = AccessRole.Lead,
        ["GET /api/incidents/{number:int}/rca/"] = AccessRole.Viewer,
        ["GET /api/incidents/{number:int}/rca/html"] = AccessRole.Viewer,
        ["GET /api/incidents/{number:int}/rca/versions"] = AccessRole.Viewer,
        ["PUT /api/incidents/{number:int}/rca/"] = AccessRole.Responder,
        ["POST /api/admin/backup"] = AccessRole.Responder,
        ["GET /api/tokens/"] = AccessRole.Lead,
        ["POST /api/tokens/"] = AccessRole.Lead,
        ["DELETE /api/tokens/{name}"] = AccessRole.Lead,
    };

    [Fact]
    public void EveryApiEndpointDeclaresTheRoleItNeeds()
    {
        using var app = new IncidentBotApplication();
        var declared = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal))
            // Who is signed in, for anyone let in; Teams' own endpoint has its own (Bot Framework) check.
            .Where(e => e.RoutePattern.RawText is not ("/api/me" or "/api/messages"))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (Key: $"{m} {e.RoutePattern.RawText}", Role: e.Metadata.GetMetadata<RoleRequirements.RequiredRole>()?.Role)))
            .ToDictionary(x => x.Key, x => x.Role);

        Assert.Equal(Expected.Keys.Order(), declared.Keys.Order());
        Assert.All(declared, d => Assert.Equal(Expected[d.Key], d.Value));
    }

    /// <summary>A request of each kind, with the role it needs.</summary>
    public static TheoryData<string, string, string?, AccessRole> Requests => new()
    {
        { "GET", "/api/incidents", null, AccessRole.Viewer },
        { "GET", "/api/incidents/1", null, AccessRole.Viewer },
        { "GET", "/api/incidents/1/room", null, AccessRole.Viewer },
        { "GET", "/api/incidents/1/alerts", null, AccessRole.Viewer },
        { "GET", "/api/runbooks", null, AccessRole.Viewer },
        { "GET", "/api/services", null, AccessRole.Viewer },
        { "GET", "/api/drills", null, AccessRole.Viewer },
        { "GET", "/api/metrics/response", null, AccessRole.Viewer },
        { "POST", "/api/incidents/1/commands", """{"text":"status"}""", AccessRole.Viewer },
        { "POST", "/api/incidents/1/room", """{"text":"timeline"}""", AccessRole.Viewer },
        { "POST", "/api/incidents/1/commands", """{"text":"note checked the cache"}""", AccessRole.Responder },
        { "POST", "/api/incidents/1/room", """{"text":"ack"}""", AccessRole.Responder },
        { "POST", "/api/incidents/1/room", """{"text":"just chatting"}""", AccessRole.Responder },
        { "POST", "/api/commands", """{"text":"declare Search is slow sev3"}""", AccessRole.Responder },
        { "POST", "/api/incidents", """{"title":"Search is slow","severity":"SEV3"}""", AccessRole.Responder },
        { "POST", "/api/drills", """{"cron":"0 0 10 ? * TUE","runbook":"database-failover"}""", AccessRole.Lead },
        { "POST", "/api/drills/run", """{"runbook":"database-failover"}""", AccessRole.Lead },
        { "DELETE", "/api/drills/d1", null, AccessRole.Lead },
        { "POST", "/api/incidents/1/commands", """{"text":"drill run database-failover"}""", AccessRole.Lead },
        { "POST", "/api/incidents/1/commands", """{"text":"rca complete"}""", AccessRole.Lead },
        { "GET", "/api/tokens", null, AccessRole.Lead },
        { "POST", "/api/tokens", """{"name":"new-one","role":"viewer"}""", AccessRole.Lead },
        { "DELETE", "/api/tokens/ci-viewer", null, AccessRole.Lead },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task ApiTokensOfEachRoleGetWhatTheirRoleAllowsAndA403NamingTheRoleOtherwise(string method, string path, string? body, AccessRole needed)
    {
        await using var app = new IncidentBotApplication(new() { ["Access:Leads:0"] = "lead@example.com" });
        var tokens = new Dictionary<AccessRole, string>();
        foreach (var role in Enum.GetValues<AccessRole>())
        {
            tokens[role] = await CreateTokenAsync(app, $"ci-{ApiTokens.RoleName(role)}", role);
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, "POST", "/api/commands", """{"text":"declare Checkout is down sev2"}""", tokens[AccessRole.Lead])).StatusCode);
        // The console opens the incident's room in the background; once it has, only a request changes anything.
        await app.WaitForConsoleRoomAsync(1);

        foreach (var role in Enum.GetValues<AccessRole>())
        {
            var before = await StateAsync(app);
            var response = await SendAsync(app, method, path, body, tokens[role]);
            if (role >= needed)
            {
                Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.True((int)response.StatusCode < 500, $"{role}: {response.StatusCode}");
                continue;
            }
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains($"needs the {ApiTokens.RoleName(needed)} role ({AccessOptions.KeyOf(needed)})", problem.GetProperty("detail").GetString());
            Assert.Contains($"this API token has the {ApiTokens.RoleName(role)} role", problem.GetProperty("detail").GetString());
            Assert.Equal(before, await StateAsync(app));
        }
    }

    public static TheoryData<string, string, AccessRole?> SignedInPeople => new()
    {
        // Alice Example: alice@example.com, groups sre and incident-leads.
        { "Access:Viewers:0", "ALICE@example.com", AccessRole.Viewer },
        { "Access:Responders:0", "sre", AccessRole.Responder },
        { "Access:Leads:0", "Incident-Leads", AccessRole.Lead },
        { "Access:Leads:0", "bob@example.com", null },
    };

    [Theory]
    [MemberData(nameof(SignedInPeople))]
    public async Task PeopleSignedInThroughTheProviderGetTheRoleTheirEmailOrGroupsGive(string key, string entry, AccessRole? role)
    {
        var settings = _provider.Settings().ToDictionary(s => s.Key, s => (string?)s.Value);
        settings[key] = entry;
        settings["Access:Viewers:1"] = "someone-else@example.com";
        await using var app = new IncidentBotApplication(settings);
        var lead = await CreateTokenAsync(app, "setup", AccessRole.Lead);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, "POST", "/api/commands", """{"text":"declare Checkout is down sev2"}""", lead)).StatusCode);
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignInAsync(browser);

        var page = await browser.GetAsync("/");
        var read = await browser.GetAsync("/api/incidents/1");
        var note = await browser.PostAsJsonAsync("/api/incidents/1/commands", new { text = "note looked at it" });
        var drill = await browser.PostAsJsonAsync("/api/drills/run", new { runbook = "database-failover" });
        var me = await browser.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        // The console offers change buttons only to what /api/me says the person may do.
        Assert.Equal(role is { } granted ? ApiTokens.RoleName(granted) : null, RoleOf(await me.Content.ReadFromJsonAsync<JsonElement>()));
        if (role is null)
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
            var text = await page.Content.ReadAsStringAsync();
            Assert.Contains("You are signed in as Alice Example (alice@example.com), who is in none of Access:Viewers, Access:Responders or Access:Leads", text);
            Assert.Contains("Ask an admin", text);
            Assert.Contains("action=\"/logout\"", text);
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
            Assert.Contains("is in none of", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        Assert.Equal(role >= AccessRole.Responder ? HttpStatusCode.OK : HttpStatusCode.Forbidden, note.StatusCode);
        Assert.Equal(role >= AccessRole.Lead ? HttpStatusCode.Created : HttpStatusCode.Forbidden, drill.StatusCode);
        if (drill.StatusCode == HttpStatusCode.Forbidden)
        {
            Assert.Contains("needs the lead role (Access:Leads)", (await drill.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        var timeline = await app.Incidents.TimelineOfAsync(1);
        Assert.Equal(role >= AccessRole.Responder, timeline.Any(t => t.Text.Contains("looked at it", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnceListsAreSetATypedNameOnLoopbackHoldsNoRoleAndIsToldToSignIn()
    {
        await using var app = new IncidentBotApplication(new() { ["Access:Leads:0"] = "lena", ["Drills:Leads:0"] = "lena" });
        var client = app.CreateClient();

        var list = await client.GetAsync("/api/incidents");
        var asLead = await client.PostAsJsonAsync("/api/drills/run", new { runbook = "database-failover", user = "lena" });
        var page = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Contains("a name typed on this machine or with the shared access token proves nothing", (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, asLead.StatusCode);
        Assert.Empty(await app.Incidents.ListAsync(new IncidentQuery()));
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("a name typed here proves nothing", await page.Content.ReadAsStringAsync());
        var me = await client.GetAsync("/api/me");
        Assert.Null(me.IsSuccessStatusCode ? RoleOf(await me.Content.ReadFromJsonAsync<JsonElement>()) : null);
    }

    [Theory]
    [InlineData(AccessRole.Viewer)]
    [InlineData(AccessRole.Responder)]
    [InlineData(AccessRole.Lead)]
    public async Task ApiMeSaysWhichRoleAnApiTokenHas(AccessRole role)
    {
        await using var app = new IncidentBotApplication(new() { ["Access:Leads:0"] = "lena@example.com" });
        var token = await CreateTokenAsync(app, "script", role);

        var me = await SendAsync(app, "GET", "/api/me", null, token);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(ApiTokens.RoleName(role), RoleOf(await me.Content.ReadFromJsonAsync<JsonElement>()));
    }

    private static string? RoleOf(JsonElement me) => me.TryGetProperty("role", out var role) ? role.GetString() : null;

    [Fact]
    public async Task WithoutListsTypedNamesActAsTodayAndOnlyDrillLeadsRunDrills()
    {
        await using var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lena" });
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal("responder", RoleOf(await client.GetFromJsonAsync<JsonElement>("/api/me")));
        Assert.True((await client.CommandAsync(null, "bob", "declare Checkout is down sev2")).Ok);
        var bobDrill = await client.PostAsJsonAsync("/api/drills/run", new { runbook = "database-failover", user = "bob" });
        var lenaDrill = await client.PostAsJsonAsync("/api/drills/run", new { runbook = "database-failover", user = "@Lena" });
        var tokens = await client.GetAsync("/api/tokens");

        Assert.Equal(HttpStatusCode.Forbidden, bobDrill.StatusCode);
        Assert.Contains("Sorry @bob, `POST /api/drills/run` needs the lead role", (await bobDrill.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, lenaDrill.StatusCode);
        // Typed names never manage tokens: the request names nobody, and a name proves nothing.
        Assert.Equal(HttpStatusCode.Forbidden, tokens.StatusCode);
    }

    private static async Task<string> CreateTokenAsync(IncidentBotApplication app, string name, AccessRole role)
    {
        var secret = ApiTokens.NewSecret();
        Assert.True(await app.Services.GetRequiredService<IApiTokenStore>().TryAddAsync(new ApiToken(name, role, ApiTokens.Hash(secret), DateTimeOffset.UtcNow, "test")));
        return secret;
    }

    private static async Task<HttpResponseMessage> SendAsync(IncidentBotApplication app, string method, string path, string? body, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add(IncidentBotApplication.RemoteIpHeader, Remote);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        return await app.CreateClient().SendAsync(request);
    }

    /// <summary>What could change: incidents, their timelines, drill schedules, API tokens.</summary>
    private static async Task<string> StateAsync(IncidentBotApplication app)
    {
        var incidents = await app.Incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.All, 100));
        var timelines = new List<int>();
        foreach (var incident in incidents)
        {
            timelines.Add((await app.Incidents.TimelineOfAsync(incident.Number)).Count);
        }
        var drills = (await app.Services.GetRequiredService<IDrillStore>().SchedulesAsync()).Count(s => s.CancelledAt is null);
        var tokens = (await app.Services.GetRequiredService<IApiTokenStore>().ListAsync()).Select(t => t.Name + (t.RevokedAt is null ? "" : "-revoked"));
        return $"{incidents.Count}|{string.Join(",", incidents.Select(i => i.Status))}|{string.Join(",", timelines)}|{drills}|{string.Join(",", tokens)}";
    }

    /// <summary>What a browser does: the bot sends it to the provider, the provider back with a code.</summary>
    private static async Task SignInAsync(HttpClient bot)
    {
        var challenge = await bot.GetAsync("/login/oidc?returnUrl=/");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var approved = await browser.GetAsync(challenge.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var landed = await bot.GetAsync(approved.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
    }
}
