using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Security.Fakes;
using IncidentBot.WebConsole;
using static IncidentBot.Tests.Security.OidcSignInTests;

namespace IncidentBot.Tests.Security;

/// <summary>
/// A session from the sign-in provider outlives the bot: its Data Protection keys are kept with the data (beside the
/// LiteDB file; in the database on PostgreSQL), so a restarted bot on the same data reads the old cookie.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class OidcSessionRestartTests : IAsyncLifetime
{
    private FakeOidcProvider _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeOidcProvider.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task ASignedInSessionSurvivesARestartOnTheSameDataAndNotOnOtherData()
    {
        var data = Directory.CreateTempSubdirectory("incidentbot-oidc-restart-").FullName;
        var other = Directory.CreateTempSubdirectory("incidentbot-oidc-other-").FullName;
        var settings = _provider.Settings().ToDictionary(s => s.Key, s => (string?)s.Value);
        try
        {
            string cookie;
            await using (var first = new IncidentBotApplication(settings, dataFolder: data))
            {
                var landed = await SignInAsync(OidcSignInTests.Browser(first));
                var set = landed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConsoleAccess.Cookie + "=", StringComparison.Ordinal));
                cookie = set[(ConsoleAccess.Cookie.Length + 1)..set.IndexOf(';', StringComparison.Ordinal)];
                Assert.Equal(HttpStatusCode.OK, (await WithCookie(first, cookie).GetAsync("/api/me")).StatusCode);
            }
            Assert.Equal(1, _provider.TokensIssued);

            await using (var restarted = new IncidentBotApplication(settings, dataFolder: data))
            {
                var client = WithCookie(restarted, cookie);
                var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
                Assert.Equal(("oidc", "alice", "Alice Example"), (me.GetProperty("signedInWith").GetString(), me.GetProperty("handle").GetString(), me.GetProperty("name").GetString()));
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/commands", new { text = "declare After the restart sev3" })).StatusCode);
                Assert.Contains(await restarted.Incidents.TimelineOfAsync(1), t => t.Actor == "alice");
            }
            // Nobody signed in again.
            Assert.Equal(1, _provider.TokensIssued);

            // A bot on other data has other keys: the cookie means nothing there.
            await using var stranger = new IncidentBotApplication(settings, dataFolder: other);
            Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(stranger, cookie).GetAsync("/api/me")).StatusCode);
        }
        finally
        {
            foreach (var folder in new[] { data, other })
            {
                TestStore.Forget(folder);
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }
    }
}
