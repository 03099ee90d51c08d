using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Storage.LiteDb;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace IncidentBot.Tests.Storage;

/// <summary>Deduplication keys in the LiteDB store: recorded once, atomically and durably, forgotten after they expire.</summary>
public sealed class DeduplicationStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-dedupe-").FullName;

    private string DataFile => Path.Combine(_folder, "incidentbot.db");

    [Fact]
    public void AKeyIsNewOnceUntilItExpires()
    {
        using var store = Open();
        var key = new DeduplicationKey("slack:signature:abc", Now.AddMinutes(6));

        Assert.True(store.TryRecord(key, Now));
        Assert.False(store.TryRecord(key, Now.AddMinutes(1)));
        Assert.False(store.TryRecord(key, Now.AddMinutes(6)));
        Assert.True(store.TryRecord(key with { ExpiresAt = Now.AddMinutes(20) }, Now.AddMinutes(6).AddTicks(1)));
        Assert.False(store.TryRecord(key, Now.AddMinutes(19)));
    }

    [Fact]
    public async Task OfManyRecordingTheSameKeyAtOnceExactlyOneWins()
    {
        using var store = Open();
        for (var round = 0; round < 20; round++)
        {
            var key = new DeduplicationKey($"teams:activity:{round}", Now.AddDays(1));
            using var start = new Barrier(10);

            var wins = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return store.TryRecord(key, Now);
            })));

            Assert.Single(wins, won => won);
        }
    }

    [Fact]
    public void KeysSurviveARestart()
    {
        using (var store = Open())
        {
            Assert.True(store.TryRecord(new DeduplicationKey("slack:event:Ev1", Now.AddHours(25)), Now));
        }

        using var reopened = Open();
        Assert.False(reopened.TryRecord(new DeduplicationKey("slack:event:Ev1", Now.AddHours(25)), Now.AddHours(24)));
    }

    [Fact]
    public void PruningDeletesExactlyTheExpiredKeys()
    {
        using (var store = Open())
        {
            for (var minutes = 1; minutes <= 10; minutes++)
            {
                store.TryRecord(new DeduplicationKey($"k{minutes}", Now.AddMinutes(minutes)), Now);
            }

            Assert.Equal(0, store.PruneExpired(Now));
            Assert.Equal(4, store.PruneExpired(Now.AddMinutes(4).AddSeconds(30)));
            Assert.Equal(0, store.PruneExpired(Now.AddMinutes(4).AddSeconds(30)));
        }

        Assert.Equal(["k10", "k5", "k6", "k7", "k8", "k9"], StoredKeys());
    }

    [Fact]
    public async Task ThePrunerRunsAtStartAndEveryTenMinutesAndOutlivesAFailedPass()
    {
        var time = new FakeTimeProvider(Now);
        var store = Substitute.For<IDeduplicationStore>();
        var passes = new List<DateTimeOffset>();
        store.PruneExpiredAsync(Arg.Do<DateTimeOffset>(at => { lock (passes) { passes.Add(at); } }), Arg.Any<CancellationToken>())
            .Returns(_ => passes.Count == 2 ? ValueTask.FromException<int>(new IOException("disk full")) : ValueTask.FromResult(1));
        using var pruner = new DeduplicationPruner(store, time, NullLogger<DeduplicationPruner>.Instance);

        await pruner.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Passes() == 1, "the pass at start");
        time.Advance(DeduplicationPruner.Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.Equal(1, Passes());
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Passes() == 2, "the pass after ten minutes (which fails)");
        time.Advance(DeduplicationPruner.Interval);
        await Eventually.TrueAsync(() => Passes() == 3, "the pass after twenty minutes");
        await pruner.StopAsync(CancellationToken.None);

        lock (passes)
        {
            Assert.Equal([Now, Now + DeduplicationPruner.Interval, Now + 2 * DeduplicationPruner.Interval], passes);
        }

        int Passes()
        {
            lock (passes)
            {
                return passes.Count;
            }
        }
    }

    [Fact]
    public void UpgradingFromSchemaTwoDropsTheEventIdsKeptForeverAndKeepsEverythingElse()
    {
        using (var db = new LiteDatabase(new ConnectionString { Filename = DataFile, Collation = LiteDbSchema.Collation }))
        {
            var references = db.GetCollection("platformReferences");
            foreach (var key in new[] { "slack:event:Ev1", "slack:event:Ev2", "teams:seen:1700000000000", "slack:channel:1", "teams:thread:1", "teams:serviceUrl" })
            {
                references.Insert(new BsonDocument { ["_id"] = key, ["value"] = "v", ["at"] = 0L });
            }
            db.UserVersion = 2;
        }

        using (var store = Open())
        {
            Assert.Equal("v", store.FindReference("slack:channel:1"));
            Assert.Null(store.FindReference("slack:event:Ev1"));
        }

        using var upgraded = new LiteDatabase(DataFile);
        Assert.Equal(LiteDbSchema.Current, upgraded.UserVersion);
        Assert.Equal(["slack:channel:1", "teams:serviceUrl", "teams:thread:1"], upgraded.GetCollection("platformReferences").FindAll().Select(d => d["_id"].AsString).Order());
        using var indexes = upgraded.Execute($"SELECT $ FROM $indexes WHERE collection = '{LiteDbStorage.DeduplicationCollection}'");
        var names = new List<string>();
        while (indexes.Read())
        {
            names.Add(indexes.Current["name"].AsString);
        }
        Assert.Contains(LiteDbStorage.ExpiresAtField, names);
    }

    private List<string> StoredKeys()
    {
        using var db = new LiteDatabase(DataFile);
        return db.GetCollection(LiteDbStorage.DeduplicationCollection).FindAll().Select(d => d["_id"].AsString).Order(StringComparer.Ordinal).ToList();
    }

    private LiteDbStorage Open() => new(DataFile, NullLogger<LiteDbStorage>.Instance);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
