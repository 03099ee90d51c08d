using IncidentBot.Access;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// API tokens, on every provider: kept as their hash only, found by it after a restart, a name taken once for good
/// (also by a revoked token, also when twenty callers add it at once), revocation keeping its first time, the
/// last-used time only moving forward, and no near miss of a hash finding anything.
/// </summary>
public abstract class ApiTokenStoreContract
{
    // Whole seconds: PostgreSQL keeps microseconds, LiteDB ticks.
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    protected abstract Task<StoreUnderTest> OpenAsync();

    private static ApiToken NewToken(string name, AccessRole role = AccessRole.Responder, string createdBy = "cli:ops") =>
        new(name, role, ApiTokens.Hash(ApiTokens.NewSecret()), Now, createdBy);

    [SkippableFact]
    public async Task ATokenIsFoundByItsHashAfterARestartWithEveryField()
    {
        await using var store = await OpenAsync();
        var tokens = new[] { NewToken("ci", AccessRole.Responder), NewToken("dash.board_1", AccessRole.Viewer), NewToken("0-lead", AccessRole.Lead) };
        foreach (var token in tokens)
        {
            Assert.True(await store.Get<IApiTokenStore>().TryAddAsync(token));
        }
        await store.ReopenAsync();

        foreach (var token in tokens)
        {
            Assert.Equal(token, await store.Get<IApiTokenStore>().FindByHashAsync(token.Hash));
        }
        Assert.Equal(new[] { "0-lead", "ci", "dash.board_1" }, (await store.Get<IApiTokenStore>().ListAsync()).Select(t => t.Name));
    }

    [SkippableFact]
    public async Task ANameIsTakenOnceAndStaysTakenAfterRevocation()
    {
        await using var store = await OpenAsync();
        var tokens = store.Get<IApiTokenStore>();
        var first = NewToken("ci");

        Assert.True(await tokens.TryAddAsync(first));
        Assert.False(await tokens.TryAddAsync(NewToken("ci", AccessRole.Lead)));
        Assert.True(await tokens.RevokeAsync("ci", Now.AddMinutes(1)));
        Assert.False(await tokens.TryAddAsync(NewToken("ci", AccessRole.Lead)));

        var kept = Assert.Single(await tokens.ListAsync());
        Assert.Equal(first.Hash, kept.Hash);
        Assert.Equal(AccessRole.Responder, kept.Role);
    }

    [SkippableFact]
    public async Task OfTwentyCallersAddingOneNameAtOnceExactlyOneWins()
    {
        await using var store = await OpenAsync();
        var tokens = store.Get<IApiTokenStore>();
        for (var round = 0; round < 5; round++)
        {
            var candidates = Enumerable.Range(0, 20).Select(_ => NewToken($"race-{round}")).ToList();
            using var start = new Barrier(candidates.Count);
            var added = await Task.WhenAll(candidates.Select(token => Task.Run(async () =>
            {
                start.SignalAndWait();
                return (token, added: await tokens.TryAddAsync(token));
            })));

            var winner = Assert.Single(added, a => a.added).token;
            Assert.Equal(winner, await tokens.FindByHashAsync(winner.Hash));
            foreach (var (loser, _) in added.Where(a => !a.added))
            {
                Assert.Null(await tokens.FindByHashAsync(loser.Hash));
            }
        }
    }

    [SkippableFact]
    public async Task RevokingKeepsTheFirstTimeAndAnUnknownNameIsNotRevoked()
    {
        await using var store = await OpenAsync();
        var tokens = store.Get<IApiTokenStore>();
        var token = NewToken("ci");
        await tokens.TryAddAsync(token);
        await tokens.TryAddAsync(NewToken("other"));

        Assert.True(await tokens.RevokeAsync("ci", Now.AddMinutes(5)));
        Assert.True(await tokens.RevokeAsync("ci", Now.AddMinutes(9)));
        Assert.False(await tokens.RevokeAsync("nobody", Now));
        Assert.False(await tokens.RevokeAsync("CI", Now));
        await store.ReopenAsync();

        Assert.Equal(Now.AddMinutes(5), (await store.Get<IApiTokenStore>().FindByHashAsync(token.Hash))?.RevokedAt);
        Assert.Null((await store.Get<IApiTokenStore>().ListAsync()).Single(t => t.Name == "other").RevokedAt);
    }

    [SkippableFact]
    public async Task TheLastUseOnlyMovesForward()
    {
        await using var store = await OpenAsync();
        var tokens = store.Get<IApiTokenStore>();
        var token = NewToken("ci");
        await tokens.TryAddAsync(token);

        Assert.Null((await tokens.FindByHashAsync(token.Hash))?.LastUsedAt);
        await tokens.RecordUseAsync("ci", Now.AddMinutes(10));
        await tokens.RecordUseAsync("ci", Now.AddMinutes(3));
        await tokens.RecordUseAsync("nobody", Now.AddMinutes(20));
        await store.ReopenAsync();

        Assert.Equal(Now.AddMinutes(10), (await store.Get<IApiTokenStore>().FindByHashAsync(token.Hash))?.LastUsedAt);
        Assert.Equal(["ci"], (await store.Get<IApiTokenStore>().ListAsync()).Select(t => t.Name));
    }

    private static string[] NearMisses(string hash) =>
    [
        hash.ToUpperInvariant(),
        hash[..63],
        hash + "0",
        " " + hash,
        hash[..63] + (hash[63] == '0' ? '1' : '0'),
        "",
        "%",
        "' OR '1'='1",
        "'; DROP TABLE api_tokens; --",
        new string('0', 64),
    ];

    [SkippableFact]
    public async Task NoNearMissOfAHashFindsTheToken()
    {
        await using var store = await OpenAsync();
        var tokens = store.Get<IApiTokenStore>();
        var token = NewToken("ci");
        await tokens.TryAddAsync(token);

        foreach (var miss in NearMisses(token.Hash))
        {
            Assert.Null(await tokens.FindByHashAsync(miss));
        }
        Assert.NotNull(await tokens.FindByHashAsync(token.Hash));
    }

    [SkippableTheory]
    [InlineData("cli:ops")]
    [InlineData("cli:caf\u00e9 \ud83d\udd25")]
    [InlineData("<script>alert(1)</script> '; DROP TABLE api_tokens; --")]
    public async Task WhoCreatedATokenComesBackAsWritten(string createdBy)
    {
        await using var store = await OpenAsync();
        var token = NewToken("ci", createdBy: createdBy);
        await store.Get<IApiTokenStore>().TryAddAsync(token);
        await store.ReopenAsync();

        Assert.Equal(createdBy, (await store.Get<IApiTokenStore>().FindByHashAsync(token.Hash))?.CreatedBy);
    }
}

public sealed class ApiTokenStoreOnLiteDb : ApiTokenStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class ApiTokenStoreOnPostgres(PostgresServer server) : ApiTokenStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
