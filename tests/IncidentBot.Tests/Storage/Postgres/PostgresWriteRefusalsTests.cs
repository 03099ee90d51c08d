using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Contract;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// Readiness on PostgreSQL fails for a while after the server refused one of the bot's writes (read-only, disk full,
/// out of resources), even though the probe's own one-row write goes through, and passes again by itself.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresWriteRefusalsTests(PostgresServer server)
{
    public static TheoryData<string, string> Refusals => new()
    {
        { "25006", "the database is read-only" },
        { "53100", "its disk is full" },
        { "53000", "it is out of resources" },
        { "53200", "it is out of resources" },
    };

    [SkippableTheory]
    [MemberData(nameof(Refusals))]
    public async Task AWriteTheServerRefusedFailsReadinessForAWhileThenReadinessPassesByItself(string sqlState, string said)
    {
        await using var store = await StoreUnderTest.PostgresAsync(server);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var refusals = new PostgresWriteRefusals(time);
        IStorageHealth health = new PostgresStorageHealth(store.Get<NpgsqlDataSource>(), refusals);
        Assert.Null(await health.ProbeAsync());

        // As a store sees it: the refusal comes through the translation in front of every store.
        var dedupe = UnavailableTranslation<IDeduplicationStore>.Around(new RefusingStore(sqlState), refusals);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => dedupe.TryRecordAsync(new DeduplicationKey("k", time.GetUtcNow().AddHours(1)), time.GetUtcNow()).AsTask());

        var problem = await health.ProbeAsync();
        Assert.NotNull(problem);
        Assert.Contains("cannot take the bot's writes", problem);
        Assert.Contains(said, problem);
        Assert.Contains($"SQLSTATE {sqlState}", problem);
        time.Advance(PostgresWriteRefusals.Memory - TimeSpan.FromSeconds(1));
        Assert.NotNull(await health.ProbeAsync());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await health.ProbeAsync());
    }

    [Theory]
    [InlineData("23505")] // a unique violation: one statement's business
    [InlineData("40001")] // a serialization failure: retried
    [InlineData("42P01")] // an undefined table
    [InlineData("57014")] // a cancelled statement
    [InlineData("08006")] // a broken connection: the probe itself finds out whether it still is
    public async Task OtherFailuresLeaveReadinessToTheProbe(string sqlState)
    {
        var refusals = new PostgresWriteRefusals(TimeProvider.System);
        var dedupe = UnavailableTranslation<IDeduplicationStore>.Around(new RefusingStore(sqlState), refusals);

        await Assert.ThrowsAnyAsync<Exception>(() => dedupe.TryRecordAsync(new DeduplicationKey("k", DateTimeOffset.UtcNow.AddHours(1)), DateTimeOffset.UtcNow).AsTask());

        Assert.Null(refusals.Recent());
    }

    /// <summary>A store whose every write the server refuses with <paramref name="sqlState"/>.</summary>
    private sealed class RefusingStore(string sqlState) : IDeduplicationStore
    {
        public async ValueTask<bool> TryRecordAsync(DeduplicationKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new PostgresException("could not write", "ERROR", "ERROR", sqlState);
        }

        public ValueTask<int> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            throw new PostgresException("could not write", "ERROR", "ERROR", sqlState);
    }
}
