using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Security.Fakes;
using IncidentBot.WebConsole;
using Microsoft.AspNetCore.Mvc.Testing;

namespace IncidentBot.Tests.Security;

/// <summary>
/// Console sign-in through an OpenID Connect provider (the loopback <see cref="FakeOidcProvider"/>), at HTTP level:
/// the whole code flow, who the session says is signed in, commands run as the proven name, and every way a
/// provider's answer or a cookie can be wrong refused.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private FakeOidcProvider _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeOidcProvider.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task SigningInThroughTheProviderOpensASessionWithTheProvenNameEmailAndGroups()
    {
        using var app = Bot();
        var client = Browser(app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);

        var landed = await SignInAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/", landed.Headers.Location!.OriginalString);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("oidc", me.GetProperty("signedInWith").GetString());
        Assert.Equal("Alice Example", me.GetProperty("name").GetString());
        Assert.Equal("alice", me.GetProperty("handle").GetString());
        Assert.Equal("alice@example.com", me.GetProperty("email").GetString());
        Assert.Equal(["sre", "incident-leads"], me.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!).ToArray());
        Assert.Equal(1, _provider.TokensIssued);
        Assert.Empty(_provider.Refusals);
        // The console page itself is served now.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task CommandsFromASignedInSessionRunAsTheProvenNameAndATypedOtherNameIsRefused()
    {
        using var app = Bot();
        var client = Browser(app);
        await SignInAsync(client);

        var declared = await client.PostAsJsonAsync("/api/commands", new { text = "declare Checkout is down sev2" });
        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        var incident = Assert.Single(await app.Incidents.ListAsync(new IncidentBot.Storage.IncidentQuery()));
        // The timeline names the proven person by their handle (no preferred_username: the e-mail's part before the @).
        Assert.Contains("\"alice\"", await client.GetStringAsync($"/api/incidents/{incident.Number}"));

        foreach (var other in new[] { "mallory", "@mallory", "Alice Exampl", "alic", "alice@example.com", "alice.example", "lead" })
        {
            var forged = await client.PostAsJsonAsync($"/api/incidents/{incident.Number}/commands", new { user = other, text = "ack" });
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Contains("signed in as alice", await forged.Content.ReadAsStringAsync());
            var room = await client.PostAsJsonAsync($"/api/incidents/{incident.Number}/room", new { user = other, text = "ack" });
            Assert.Equal(HttpStatusCode.Forbidden, room.StatusCode);
        }
        // Their own handle or display name (any case, with or without @) is accepted, as is leaving it out; all act as the handle.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/incidents/{incident.Number}/room", new { user = "@Alice", text = "looking" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/incidents/{incident.Number}/room", new { user = "@alice example", text = "looking" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/incidents/{incident.Number}/room", new { text = "ack" })).StatusCode);
        var timeline = await client.GetStringAsync($"/api/incidents/{incident.Number}/room");
        Assert.Contains("\"alice\"", timeline);
        Assert.DoesNotContain("Alice Example", timeline);
        Assert.DoesNotContain("mallory", timeline);
    }

    [Fact]
    public async Task WithSignInOnLoopbackCallersAreNoLongerTrustedWithoutASession()
    {
        using var app = Bot();
        var client = Browser(app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/commands", new { user = "alice", text = "help" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/incidents")).StatusCode);
        var page = await client.GetAsync("/#/drills");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login/oidc", page.Headers.Location!.OriginalString);
        Assert.Equal(0, _provider.TokensIssued);
    }

    [Fact]
    public async Task WithTheSharedTokenAsWellBothWaysInWorkAndTheSignInPageOffersTheProvider()
    {
        const string token = "a-long-random-console-token-beside-single-sign-on";
        using var app = new IncidentBotApplication(new(_provider.Settings().ToDictionary(s => s.Key, s => (string?)s.Value)) { ["WebConsole:AccessToken"] = token });
        var script = app.CreateClient();
        script.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/incidents")).StatusCode);
        Assert.Equal("token", (await script.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("signedInWith").GetString());
        var client = Browser(app);
        var page = await client.GetAsync("/");
        Assert.StartsWith("/login?", page.Headers.Location!.OriginalString);
        Assert.Contains("href=\"/login/oidc\"", await client.GetStringAsync("/login"));
    }

    public static TheoryData<OidcMisbehaviour> Misbehaviours => new()
    {
        OidcMisbehaviour.WrongIssuer, OidcMisbehaviour.WrongAudience, OidcMisbehaviour.WrongNonce, OidcMisbehaviour.Expired,
        OidcMisbehaviour.Unsigned, OidcMisbehaviour.UnknownKey, OidcMisbehaviour.WrongState,
    };

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public async Task AProviderAnswerThatIsWrongInAnyWayOpensNoSession(OidcMisbehaviour misbehaviour)
    {
        using var app = Bot();
        var client = Browser(app);
        _provider.Misbehaviour = misbehaviour;

        var landed = await SignInAsync(client);

        Assert.Equal(HttpStatusCode.Unauthorized, landed.StatusCode);
        Assert.Contains("Sign-in failed", await landed.Content.ReadAsStringAsync());
        Assert.DoesNotContain(landed.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(ConsoleAccess.Cookie + "=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/commands", new { text = "declare forged sev1" })).StatusCode);
        Assert.Empty(await app.Incidents.ListAsync(new IncidentBot.Storage.IncidentQuery()));
    }

    [Fact]
    public async Task ATamperedOrForeignSessionCookieIsRefused()
    {
        using var app = Bot();
        var client = Browser(app);
        var landed = await SignInAsync(client);
        var cookie = landed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConsoleAccess.Cookie + "=", StringComparison.Ordinal));
        var value = cookie[(ConsoleAccess.Cookie.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(app, value).GetAsync("/api/me")).StatusCode);

        var tampered = new List<string> { "", "x", value[..^1], value + "A", value[1..], new string(value.Reverse().ToArray()) };
        for (var i = 0; i < value.Length; i += Math.Max(1, value.Length / 40))
        {
            tampered.Add(value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..]);
        }
        foreach (var forged in tampered)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(app, forged).GetAsync("/api/me")).StatusCode);
        }
        // A session from another bot (its own Data Protection keys) means nothing here.
        using var other = Bot();
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(other, value).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task SigningOutEndsTheSessionAtTheBotAndAtTheProvider()
    {
        using var app = Bot();
        var client = Browser(app);
        await SignInAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);

        var signOut = await client.PostAsync("/logout", null);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith($"{_provider.Authority}/logout", signOut.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signed-out")).StatusCode);
    }

    private IncidentBotApplication Bot() =>
        new(_provider.Settings().ToDictionary(s => s.Key, s => (string?)s.Value));

    internal static HttpClient Browser(IncidentBotApplication app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    internal static HttpClient WithCookie(IncidentBotApplication app, string value)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{ConsoleAccess.Cookie}={value}");
        return client;
    }

    /// <summary>What a browser does: the bot sends it to the provider, the provider back with a code; returns the bot's last answer.</summary>
    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient bot)
    {
        var page = await bot.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var challenge = await bot.GetAsync(page.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var approved = await browser.GetAsync(challenge.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var callback = approved.Headers.Location!;
        Assert.Equal("/signin-oidc", callback.AbsolutePath);
        return await bot.GetAsync(callback.PathAndQuery);
    }
}
