using System.Text.RegularExpressions;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// Deduplication keys, on every provider: recorded once, atomically and durably, new again only once expired, and
/// forgotten by pruning exactly when expired. The pattern every contract suite follows: the tests are written once,
/// against the interface; each provider runs them through a subclass that only says how to open its store.
/// </summary>
public abstract class DeduplicationStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-05T10:00:00Z");
    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task AKeyIsRecordedOnceAcrossARestartAndAgainOnlyAfterItExpired()
    {
        await using var store = await OpenAsync();
        var key = new DeduplicationKey("slack:event:Ev0001", Now.AddMinutes(5));

        Assert.True(await store.Get<IDeduplicationStore>().TryRecordAsync(key, Now));
        Assert.False(await store.Get<IDeduplicationStore>().TryRecordAsync(key, Now.AddMinutes(1)));
        await store.ReopenAsync();
        Assert.False(await store.Get<IDeduplicationStore>().TryRecordAsync(key, Now.AddMinutes(4)));
        Assert.True(await store.Get<IDeduplicationStore>().TryRecordAsync(key with { ExpiresAt = Now.AddMinutes(20) }, Now.AddMinutes(6)));
    }

    [SkippableFact]
    public async Task AKeyStillBlocksAtItsExpiryAndIsNewAMicrosecondLaterWithItsNewLifetime()
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();
        var expires = Now.AddMinutes(6);
        var key = new DeduplicationKey("slack:signature:abc", expires);

        Assert.True(await dedupe.TryRecordAsync(key, Now));
        Assert.False(await dedupe.TryRecordAsync(key, Now.AddMinutes(1)));
        Assert.False(await dedupe.TryRecordAsync(key, expires));
        Assert.True(await dedupe.TryRecordAsync(key with { ExpiresAt = Now.AddMinutes(20) }, expires + Microsecond));
        // The second record's lifetime now counts, not the first one's.
        Assert.False(await dedupe.TryRecordAsync(key, Now.AddMinutes(19)));
        Assert.False(await dedupe.TryRecordAsync(key, Now.AddMinutes(20)));
        Assert.True(await dedupe.TryRecordAsync(key, Now.AddMinutes(20) + Microsecond));
    }

    public static TheoryData<string> Races => new() { "new", "expired" };

    [SkippableTheory]
    [MemberData(nameof(Races))]
    public async Task OfTwentyCallersRecordingTheSameKeyAtOnceExactlyOneWins(string race)
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();
        for (var round = 0; round < 10; round++)
        {
            var key = new DeduplicationKey($"teams:activity:{round}", Now.AddDays(1));
            if (race == "expired")
            {
                // Every caller finds the same expired record and may take it over; only one does.
                Assert.True(await dedupe.TryRecordAsync(key with { ExpiresAt = Now.AddMinutes(-1) }, Now.AddMinutes(-2)));
            }
            using var start = new Barrier(20);

            var wins = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await dedupe.TryRecordAsync(key, Now);
            })));

            Assert.Single(wins, won => won);
            Assert.False(await dedupe.TryRecordAsync(key, Now.AddHours(23)));
        }
    }

    public static TheoryData<string, string> DistinctKeys => new()
    {
        { "slack:event:Ev1", "slack:event:ev1" },
        { "slack:event:Ev1", "slack:event:Ev1 " },
        { "slack:event:Ev1", "teams:event:Ev1" },
        { "teams:activity:caf\u00e9", "teams:activity:cafe\u0301" },
        { "teams:activity:\u6c34", "teams:activity:\u6c35" },
        { "teams:activity:\ud83d\udd25", "teams:activity:\ud83d\udca7" },
        { "k", "k\u200b" },
        { "", " " },
        { new string('a', DeduplicationKey.MaxKeyLength), new string('a', DeduplicationKey.MaxKeyLength - 1) + "b" },
        { new string('\u00e9', 300), new string('\u00e9', 299) + "e" },
    };

    [SkippableTheory]
    [MemberData(nameof(DistinctKeys))]
    public async Task KeysCompareExactlyAndOneNeverBlocksAnother(string first, string second)
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();

        Assert.True(await dedupe.TryRecordAsync(new DeduplicationKey(first, Now.AddHours(1)), Now));
        Assert.True(await dedupe.TryRecordAsync(new DeduplicationKey(second, Now.AddHours(1)), Now));
        await store.ReopenAsync();
        dedupe = store.Get<IDeduplicationStore>();
        Assert.False(await dedupe.TryRecordAsync(new DeduplicationKey(first, Now.AddHours(1)), Now.AddMinutes(1)));
        Assert.False(await dedupe.TryRecordAsync(new DeduplicationKey(second, Now.AddHours(1)), Now.AddMinutes(1)));
    }

    // Written escaped and unescaped in the test: xUnit would turn an unpaired surrogate in test data into U+FFFD.
    public static TheoryData<string> UnstorableKeys => new()
    {
        new string('a', DeduplicationKey.MaxKeyLength + 1),
        @"slack:event:\u0000",
        @"teams:activity:\ud800",
        @"teams:activity:\udc00x",
        @"teams:activity:x\ud83d",
    };

    [SkippableTheory]
    [MemberData(nameof(UnstorableKeys))]
    public async Task AKeyNoStoreCanKeepIsRefusedAndRecordsNothing(string escaped)
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();
        var key = Regex.Unescape(escaped);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => dedupe.TryRecordAsync(new DeduplicationKey(key, Now.AddHours(1)), Now).AsTask());

        Assert.Equal(0, await dedupe.PruneExpiredAsync(Now.AddDays(1)));
    }

    [SkippableFact]
    public async Task PruningDeletesExactlyTheExpiredKeysAndCountsThem()
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();
        for (var minutes = 1; minutes <= 10; minutes++)
        {
            Assert.True(await dedupe.TryRecordAsync(new DeduplicationKey($"k{minutes}", Now.AddMinutes(minutes)), Now));
        }

        Assert.Equal(0, await dedupe.PruneExpiredAsync(Now));
        // A key expiring exactly at the moment of pruning is not yet expired.
        Assert.Equal(3, await dedupe.PruneExpiredAsync(Now.AddMinutes(4)));
        Assert.Equal(1, await dedupe.PruneExpiredAsync(Now.AddMinutes(4) + Microsecond));
        Assert.Equal(0, await dedupe.PruneExpiredAsync(Now.AddMinutes(4).AddSeconds(30)));
        await store.ReopenAsync();
        dedupe = store.Get<IDeduplicationStore>();

        // The kept keys still block (checked before they expire); the pruned ones are new again.
        for (var minutes = 5; minutes <= 10; minutes++)
        {
            Assert.False(await dedupe.TryRecordAsync(new DeduplicationKey($"k{minutes}", Now.AddHours(1)), Now.AddMinutes(4).AddSeconds(30)), $"k{minutes}");
        }
        for (var minutes = 1; minutes <= 4; minutes++)
        {
            Assert.True(await dedupe.TryRecordAsync(new DeduplicationKey($"k{minutes}", Now.AddHours(1)), Now.AddMinutes(4).AddSeconds(30)), $"k{minutes}");
        }
        Assert.Equal(10, await dedupe.PruneExpiredAsync(Now.AddDays(1)));
        Assert.Equal(0, await dedupe.PruneExpiredAsync(Now.AddDays(1)));
    }

    [SkippableFact]
    public async Task PruningManyKeysCountsEveryOne()
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();
        var records = Enumerable.Range(0, 500).Select(i => dedupe.TryRecordAsync(new DeduplicationKey($"slack:event:E{i}", Now.AddSeconds(i)), Now).AsTask());
        Assert.All(await Task.WhenAll(records), recorded => Assert.True(recorded));

        Assert.Equal(250, await dedupe.PruneExpiredAsync(Now.AddSeconds(250)));
        Assert.Equal(250, await dedupe.PruneExpiredAsync(Now.AddSeconds(500)));
    }

    [SkippableFact]
    public async Task AnInstantInAnyOffsetIsTheSameInstant()
    {
        await using var store = await OpenAsync();
        var dedupe = store.Get<IDeduplicationStore>();
        var inTokyo = TimeSpan.FromHours(9);

        Assert.True(await dedupe.TryRecordAsync(new DeduplicationKey("k", Now.AddMinutes(5).ToOffset(inTokyo)), Now.ToOffset(-TimeSpan.FromHours(5))));
        Assert.False(await dedupe.TryRecordAsync(new DeduplicationKey("k", Now.AddHours(1)), Now.AddMinutes(5).ToOffset(inTokyo)));
        Assert.Equal(0, await dedupe.PruneExpiredAsync(Now.AddMinutes(5).ToOffset(-TimeSpan.FromHours(5))));
        Assert.Equal(1, await dedupe.PruneExpiredAsync(Now.AddMinutes(6).ToOffset(inTokyo)));
    }
}

public sealed class DeduplicationStoreOnLiteDb : DeduplicationStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class DeduplicationStoreOnPostgres(PostgresServer server) : DeduplicationStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
