using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Security.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static IncidentBot.Tests.Security.OidcSignInTests;

namespace IncidentBot.Tests.Security;

/// <summary>
/// Identities proven by the sign-in provider beyond the console's session, through the loopback
/// <see cref="FakeOidcProvider"/>: the provider's access tokens as bearer JWTs on the API, handles that can be typed
/// in commands, and Entra ID's group overage answered by a loopback <see cref="FakeGraphGroups"/>.
/// </summary>
public sealed class OidcIdentityTests : IAsyncLifetime
{
    private const string Audience = "api://incidentbot-test";

    private FakeOidcProvider _provider = null!;
    private FakeGraphGroups _graph = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeOidcProvider.StartAsync();
        _graph = await FakeGraphGroups.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task TheProvidersAccessTokenOpensTheApiAsTheSamePersonASessionIs()
    {
        using var app = Bot(apiAudience: Audience);
        // From beyond loopback, with no session: only the token says who this is.
        var script = Script(app, _provider.AccessToken(Audience));

        var me = await script.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("oidc", me.GetProperty("signedInWith").GetString());
        Assert.Equal(("Alice Example", "alice", "alice@example.com"), (me.GetProperty("name").GetString(), me.GetProperty("handle").GetString(), me.GetProperty("email").GetString()));
        Assert.Equal(["sre", "incident-leads"], me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!).ToArray());

        Assert.Equal(HttpStatusCode.OK, (await script.PostAsJsonAsync("/api/commands", new { text = "declare Checkout is down sev2" })).StatusCode);
        var incident = Assert.Single(await app.Incidents.ListAsync(new IncidentBot.Storage.IncidentQuery()));
        Assert.Contains(await app.Incidents.TimelineOfAsync(incident.Number), t => t.Actor == "alice");
        // Acting as someone else is refused, as it is for a session.
        Assert.Equal(HttpStatusCode.Forbidden, (await script.PostAsJsonAsync($"/api/incidents/{incident.Number}/commands", new { user = "mallory", text = "ack" })).StatusCode);
        // A browser session of the same person carries the same claims.
        var browser = OidcSignInTests.Browser(app);
        await SignInAsync(browser);
        var session = await browser.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(me.GetRawText(), session.GetRawText());
    }

    public static TheoryData<OidcMisbehaviour> Spoiled => new()
    {
        OidcMisbehaviour.WrongAudience, OidcMisbehaviour.WrongIssuer, OidcMisbehaviour.Expired, OidcMisbehaviour.Unsigned, OidcMisbehaviour.UnknownKey,
    };

    [Theory]
    [MemberData(nameof(Spoiled))]
    public async Task ABearerTokenThatIsWrongInAnyWayIsRefusedAndTheLogSaysWhy(OidcMisbehaviour misbehaviour)
    {
        var logs = new FakeLogCollector();
        using var app = Bot(apiAudience: Audience, logs: logs);
        _provider.Misbehaviour = misbehaviour;
        var token = _provider.AccessToken(Audience);

        await AssertRefusedAsync(app, token);

        // One line for each of the two requests, each with the check that failed.
        var refusals = logs.GetSnapshot().Where(r => r.Message.StartsWith("Refused a bearer JWT", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, r => Assert.Matches("IDX\\d+", r.Message));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TamperedTokensTheIdTokenAndTokensForAnotherAudienceAreRefused()
    {
        using var app = Bot(apiAudience: Audience);
        var token = _provider.AccessToken(Audience);
        var parts = token.Split('.');
        var forged = new List<string>
        {
            // The ID token is for the client (aud = client id), not for the API.
            _provider.IdToken("nonce"),
            _provider.AccessToken("api://some-other-api"),
            // A signature from another token, a payload changed under the signature, a cut signature.
            $"{parts[0]}.{parts[1]}.{_provider.AccessToken("api://some-other-api").Split('.')[2]}",
            $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace("Alice Example", "Mallory Examp"))}.{parts[2]}",
            $"{parts[0]}.{parts[1]}.{parts[2][..^4]}",
            $"{parts[0]}.{parts[1]}.",
            "a.b.c",
        };
        foreach (var value in forged)
        {
            await AssertRefusedAsync(app, value);
        }
        Assert.Empty(await app.Incidents.ListAsync(new IncidentBot.Storage.IncidentQuery()));
    }

    [Fact]
    public async Task AnIdTokenIsNoAccessTokenEvenWhenTheAudienceIsTheClientsOwn()
    {
        // As with Entra ID's v2 access tokens for the bot's own API: the audience is the client id.
        var logs = new FakeLogCollector();
        using var app = Bot(apiAudience: FakeOidcProvider.ClientId, logs: logs);

        Assert.Equal(HttpStatusCode.OK, (await Script(app, _provider.AccessToken(FakeOidcProvider.ClientId)).GetAsync("/api/me")).StatusCode);
        await AssertRefusedAsync(app, _provider.IdToken("a-nonce"));
        await AssertRefusedAsync(app, _provider.IdToken(null));
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("is an ID token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnApiAudienceNoBearerTokenIsTaken()
    {
        using var app = Bot(apiAudience: null);

        var response = await Script(app, _provider.AccessToken(Audience)).GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnApiAudienceWithoutSignInChangesNothing()
    {
        // No Authority: no sign-in, so no bearer JWTs either; loopback stays trusted as before, and nothing breaks.
        using var app = new IncidentBotApplication(new() { ["Authentication:Oidc:ApiAudience"] = Audience });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _provider.AccessToken(Audience));

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal("token", me.GetProperty("signedInWith").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("name").ValueKind);
    }

    public static TheoryData<string, string?, string, string> People => new()
    {
        // display name, preferred_username, e-mail → handle
        { "Jane Doe", "Jane Doe", "jane@example.com", "Jane.Doe" },
        { "Jane Doe", "jane.doe@contoso.com", "jane@example.com", "jane.doe" },
        { "Jürgen Groß", "Jürgen Groß", "j@example.com", "Jürgen.Groß" },
        { "李小龍", "李小龍", "lee@example.com", "李小龍" },
        { "Jane Doe", null, "jane.d@example.com", "jane.d" },
        { "Jane Doe", null, "", "sub-0042" },
        { "Jane Doe", "😀", "", "sub-0042" },
    };

    [Theory]
    [MemberData(nameof(People))]
    public async Task ANameWithSpacesIsTypedAsItsHandleWhichTheTimelineShowsAndTheHeaderKeepsTheDisplayName(string name, string? preferred, string email, string handle)
    {
        _provider.User = new FakeOidcUser("sub-0042", name, email, []) { PreferredUsername = preferred };
        using var app = Bot();
        var client = OidcSignInTests.Browser(app);
        await SignInAsync(client);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal((name, handle), (me.GetProperty("name").GetString(), me.GetProperty("handle").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/commands", new { text = "declare Checkout is down sev2" })).StatusCode);
        var number = Assert.Single(await app.Incidents.ListAsync(new IncidentBot.Storage.IncidentQuery())).Number;
        // Someone else types the handle in a command: it names this person.
        var assigned = await client.PostAsJsonAsync($"/api/incidents/{number}/commands", new { text = $"role commander @{handle}" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var incident = await client.GetFromJsonAsync<IncidentView>($"/api/incidents/{number}", Json.Options);
        Assert.Equal(handle, incident!.Roles["commander"]);
        Assert.All(await app.Incidents.TimelineOfAsync(number), t => Assert.NotEqual(name.Contains(' ') ? name : "(none)", t.Actor));
        Assert.Contains(await app.Incidents.TimelineOfAsync(number), t => t.Actor == handle);
    }

    [Fact]
    public async Task AHandleClaimOfOnesChoiceIsUsed()
    {
        _provider.User = FakeOidcUser.Alice with { PreferredUsername = "ali" };
        using var app = Bot(extra: new() { ["Authentication:Oidc:HandleClaim"] = "name" });
        var client = OidcSignInTests.Browser(app);
        await SignInAsync(client);

        Assert.Equal("Alice.Example", (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("handle").GetString());
    }

    [Fact]
    public async Task AnEntraGroupOverageIsAnsweredFromGraphWithTheSignInsAccessToken()
    {
        var groups = Enumerable.Range(1, 250).Select(i => $"00000000-0000-0000-0000-{i:D12}").ToList();
        _graph.Groups = groups;
        _provider.User = FakeOidcUser.Alice with { GroupsOverage = true };
        using var app = Bot();
        var client = OidcSignInTests.Browser(app);

        var landed = await SignInAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(groups, me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!).ToList());
        Assert.Equal([$"/v1.0/me/getMemberObjects Bearer {FakeOidcProvider.SignInAccessToken}"], _graph.Calls);
    }

    [Fact]
    public async Task WithoutAnOverageGraphIsNeverAsked()
    {
        using var app = Bot();
        var client = OidcSignInTests.Browser(app);
        await SignInAsync(client);

        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("groups").GetArrayLength());
        Assert.Empty(_graph.Calls);
    }

    [Theory]
    [InlineData(401, "answered 401")]
    [InlineData(403, "answered 403")]
    [InlineData(503, "answered 503")]
    [InlineData(0, "could not be reached")]
    public async Task WhenGraphFailsSignInStillWorksWithoutGroupsAndTheLogSaysWhy(int status, string because)
    {
        _provider.User = FakeOidcUser.Alice with { GroupsOverage = true };
        _graph.FailWith = status == 0 ? null : status;
        var logs = new FakeLogCollector();
        using var app = Bot(logs: logs, graph: status == 0 ? "http://127.0.0.1:1" : null);
        var client = OidcSignInTests.Browser(app);

        var landed = await SignInAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("alice", me.GetProperty("handle").GetString());
        Assert.Equal(0, me.GetProperty("groups").GetArrayLength());
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Category!.EndsWith("EntraGroupOverage", StringComparison.Ordinal));
        Assert.Contains(because, warning.Message);
        Assert.Contains("signed in without groups", warning.Message);
        Assert.DoesNotContain(FakeOidcProvider.SignInAccessToken, string.Join("\n", logs.GetSnapshot().Select(r => r.Message)));
    }

    [Fact]
    public async Task ASessionKeepsAtMost2000GroupsFromGraph()
    {
        _graph.Groups = Enumerable.Range(1, 2_500).Select(i => $"group-{i}").ToList();
        _provider.User = FakeOidcUser.Alice with { GroupsOverage = true };
        var logs = new FakeLogCollector();
        using var app = Bot(logs: logs);
        var client = OidcSignInTests.Browser(app);

        await SignInAsync(client);

        var groups = (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Equal(_graph.Groups.Take(2_000), groups);
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("in 2500 groups", StringComparison.Ordinal));
    }

    private IncidentBotApplication Bot(string? apiAudience = null, FakeLogCollector? logs = null, string? graph = null, Dictionary<string, string?>? extra = null)
    {
        var settings = _provider.Settings().ToDictionary(s => s.Key, s => (string?)s.Value);
        settings["Authentication:Oidc:GraphBaseUrl"] = graph ?? _graph.BaseUrl;
        if (apiAudience is not null)
        {
            settings["Authentication:Oidc:ApiAudience"] = apiAudience;
        }
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        return new IncidentBotApplication(settings, services => { if (logs is not null) { services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs)); } });
    }

    /// <summary>A script somewhere else on the network with the token, and no cookies.</summary>
    private static HttpClient Script(IncidentBotApplication app, string token)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Add(IncidentBotApplication.RemoteIpHeader, "203.0.113.20");
        return client;
    }

    private static async Task AssertRefusedAsync(IncidentBotApplication app, string token)
    {
        var script = Script(app, token);
        var me = await script.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Contains("invalid_token", me.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", me.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.PostAsJsonAsync("/api/commands", new { text = "declare forged sev1" })).StatusCode);
    }
}
