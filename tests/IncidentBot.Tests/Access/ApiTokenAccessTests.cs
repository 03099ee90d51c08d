using System.Net;
using System.Net.Http.Json;
using IncidentBot.Access;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IncidentBot.Tests.Access;

/// <summary>
/// API tokens on the HTTP API (<c>Authorization: Bearer ibt_…</c>): a created token opens the API, also from beyond
/// loopback and beside the shared console token; it acts as <c>token:&lt;name&gt;</c> whatever user a request names;
/// a revoked, unknown or malformed token is a 401 problem at once; the token never reaches a log.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ApiTokenAccessTests
{
    private const string SharedToken = "a-long-random-console-token";
    private const string Remote = "203.0.113.7";

    /// <summary>Without a shared token (loopback mode) and with one: API tokens behave the same.</summary>
    public static TheoryData<bool> Modes => new() { false, true };

    private static IncidentBotApplication NewBot(bool sharedToken, FakeLogCollector? logs = null) => new(
        new()
        {
            ["WebConsole:AccessToken"] = sharedToken ? SharedToken : null,
            // Everything, down to the authentication middleware's own debug lines, so none can leak a token unseen.
            ["Logging:LogLevel:Default"] = "Trace",
        },
        services =>
        {
            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs));
            }
        });

    private static async Task<string> CreateAsync(IncidentBotApplication bot, string name, AccessRole role = AccessRole.Responder)
    {
        var secret = ApiTokens.NewSecret();
        Assert.True(await bot.Services.GetRequiredService<IApiTokenStore>().TryAddAsync(new ApiToken(name, role, ApiTokens.Hash(secret), DateTimeOffset.UtcNow, "test")));
        return secret;
    }

    private static async Task<HttpResponseMessage> SendAsync(IncidentBotApplication bot, HttpMethod method, string path, string? authorization, object? body = null, string? remoteIp = Remote)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        if (remoteIp is not null)
        {
            request.Headers.Add(IncidentBotApplication.RemoteIpHeader, remoteIp);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await bot.CreateClient().SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ACreatedTokenOpensTheApiFromAnywhereAndActsAsTheToken(bool sharedToken)
    {
        await using var bot = NewBot(sharedToken);
        var token = await CreateAsync(bot, "ci");

        var anonymous = await SendAsync(bot, HttpMethod.Get, "/api/incidents", null);
        var list = await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {token}");
        var lowerCaseScheme = await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"bearer {token}");
        // The request names alice; the token acts all the same.
        var declared = await SendAsync(bot, HttpMethod.Post, "/api/commands", $"Bearer {token}", new { user = "alice", text = "declare Checkout is down sev2" });
        var acked = await SendAsync(bot, HttpMethod.Post, "/api/incidents/1/commands", $"Bearer {token}", new { text = "ack" });
        var detail = await SendAsync(bot, HttpMethod.Get, "/api/incidents/1", $"Bearer {token}");

        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, lowerCaseScheme.StatusCode);
        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var incident = (await detail.Content.ReadFromJsonAsync<IncidentView>(Json.Options))!;
        Assert.Equal("Checkout is down", incident.Title);
        var timeline = incident.Timeline ?? [];
        Assert.Contains(timeline, t => t.Actor == "token:ci" && t.Kind == "declared");
        Assert.Contains(timeline, t => t.Actor == "token:ci" && t.Kind == "acknowledged");
        Assert.DoesNotContain(timeline, t => t.Actor.Contains("alice", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARevokedTokenIsRefusedAtOnceAndAnotherTokenStillWorks(bool sharedToken)
    {
        await using var bot = NewBot(sharedToken);
        var revoked = await CreateAsync(bot, "ci");
        var kept = await CreateAsync(bot, "dashboard", AccessRole.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {revoked}")).StatusCode);

        Assert.True(await bot.Services.GetRequiredService<IApiTokenStore>().RevokeAsync("ci", DateTimeOffset.UtcNow));
        var refused = await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {revoked}");
        var refusedFromLoopback = await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {revoked}", remoteIp: null);
        var refusedCommand = await SendAsync(bot, HttpMethod.Post, "/api/commands", $"Bearer {revoked}", new { user = "alice", text = "declare Should not exist sev3" });

        await AssertRefusedAsync(refused);
        await AssertRefusedAsync(refusedFromLoopback);
        await AssertRefusedAsync(refusedCommand);
        var list = await SendAsync(bot, HttpMethod.Get, "/api/incidents?status=all", $"Bearer {kept}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain("Should not exist", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Bearer values that start like an API token but are not one the bot made (the <c>{0}</c> is a real token).</summary>
    public static TheoryData<string> NotTheToken => new()
    {
        "ibt_",
        "ibt_x",
        "ibt_" + new string('A', 43),
        "ibt_" + new string('A', 42),
        "ibt_" + new string('A', 44),
        "ibt_" + new string('A', 40) + "+/=",
        "ibt_" + new string('\u00e9', 43),
        "ibt_" + new string('A', 20) + " " + new string('A', 22),
        "ibt_' OR '1'='1' -- " + new string('A', 23),
        "{0}x",
        "{0} extra",
        "{0-1}",
        "{0-last}",
        "{0:upper}",
        "{0:hash}",
    };

    [Theory]
    [MemberData(nameof(NotTheToken))]
    public async Task AWrongOrMalformedTokenIsA401ProblemInEitherMode(string pattern)
    {
        foreach (var sharedToken in new[] { false, true })
        {
            await using var bot = NewBot(sharedToken);
            var real = await CreateAsync(bot, "ci");
            var value = pattern
                .Replace("{0-1}", real[..^1])
                .Replace("{0-last}", real[..^1] + (real[^1] == 'A' ? 'B' : 'A'))
                .Replace("{0:upper}", real.ToUpperInvariant() == real ? real.ToLowerInvariant() : real.ToUpperInvariant())
                .Replace("{0:hash}", "ibt_" + ApiTokens.Hash(real)[..43])
                .Replace("{0}", real);

            foreach (var remote in new[] { Remote, null })
            {
                await AssertRefusedAsync(await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {value}", remoteIp: remote));
            }
        }
    }

    [Fact]
    public async Task TheSharedTokenAndLoopbackWorkAsBeforeBesideApiTokens()
    {
        await using (var withShared = NewBot(sharedToken: true))
        {
            await CreateAsync(withShared, "ci");
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(withShared, HttpMethod.Get, "/api/incidents", $"Bearer {SharedToken}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(withShared, HttpMethod.Get, "/api/incidents", "Bearer not-the-shared-token")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(withShared, HttpMethod.Get, "/api/incidents", null, remoteIp: null)).StatusCode);
        }
        await using var loopback = NewBot(sharedToken: false);
        await CreateAsync(loopback, "ci");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(loopback, HttpMethod.Get, "/api/incidents", null, remoteIp: null)).StatusCode);
        // A bearer value that is no API token is not looked at on loopback, as before.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(loopback, HttpMethod.Get, "/api/incidents", "Bearer something-else", remoteIp: null)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await SendAsync(loopback, HttpMethod.Get, "/api/incidents", null)).StatusCode);
    }

    [Fact]
    public async Task TheLastUseIsRecordedOnceAMinuteNotOnEveryRequest()
    {
        await using var bot = NewBot(sharedToken: false);
        var token = await CreateAsync(bot, "ci");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var store = bot.Services.GetRequiredService<IApiTokenStore>();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {token}")).StatusCode);
        var first = (await store.FindByHashAsync(ApiTokens.Hash(token)))?.LastUsedAt;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {token}")).StatusCode);
        }
        var after = (await store.FindByHashAsync(ApiTokens.Hash(token)))?.LastUsedAt;

        Assert.NotNull(first);
        Assert.True(first >= before, $"{first} >= {before}");
        Assert.Equal(first, after);
    }

    [Fact]
    public async Task NoTokenEverReachesTheLog()
    {
        var logs = new FakeLogCollector();
        string[] tried;
        await using (var bot = NewBot(sharedToken: true, logs))
        {
            var good = await CreateAsync(bot, "ci");
            var revoked = await CreateAsync(bot, "old");
            await bot.Services.GetRequiredService<IApiTokenStore>().RevokeAsync("old", DateTimeOffset.UtcNow);
            var wrong = ApiTokens.NewSecret();
            var malformed = good[..^3] + "+/=";
            tried = [good, revoked, wrong, malformed];

            foreach (var token in tried)
            {
                await SendAsync(bot, HttpMethod.Get, "/api/incidents", $"Bearer {token}");
                await SendAsync(bot, HttpMethod.Post, "/api/commands", $"Bearer {token}", new { text = "declare Logged sev3" });
            }
            await bot.WaitForProcessingAsync();
        }

        var records = logs.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains("old", StringComparison.Ordinal) && r.Message.Contains("revoked", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains("Refused API token", StringComparison.Ordinal) && r.Message.Contains("no API token has this hash", StringComparison.Ordinal));
        foreach (var record in records)
        {
            var everything = string.Join("\n", [record.Message, record.Exception?.ToString() ?? "",
                .. record.StructuredState?.Select(s => s.Value ?? "") ?? [], .. record.Scopes.Select(s => s?.ToString() ?? "")]);
            foreach (var token in tried)
            {
                // Any long enough piece of the secret would be a leak, not only the whole of it.
                Assert.DoesNotContain(token["ibt_".Length..][..16], everything, StringComparison.Ordinal);
                Assert.DoesNotContain(ApiTokens.Hash(token), everything, StringComparison.Ordinal);
            }
        }
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("unknown, revoked or malformed", body, StringComparison.Ordinal);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
