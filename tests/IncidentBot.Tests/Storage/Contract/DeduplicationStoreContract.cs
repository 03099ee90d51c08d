using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// The pattern every contract suite follows: the tests are written once, against the interface; each provider
/// runs them through a subclass that only says how to open its store.
/// </summary>
public abstract class DeduplicationStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task AKeyIsRecordedOnceAcrossARestartAndAgainOnlyAfterItExpired()
    {
        await using var store = await OpenAsync();
        var now = DateTimeOffset.Parse("2026-12-05T10:00:00Z");
        var key = new DeduplicationKey("slack:event:Ev0001", now.AddMinutes(5));

        Assert.True(await store.Get<IDeduplicationStore>().TryRecordAsync(key, now));
        Assert.False(await store.Get<IDeduplicationStore>().TryRecordAsync(key, now.AddMinutes(1)));
        await store.ReopenAsync();
        Assert.False(await store.Get<IDeduplicationStore>().TryRecordAsync(key, now.AddMinutes(4)));
        Assert.True(await store.Get<IDeduplicationStore>().TryRecordAsync(key with { ExpiresAt = now.AddMinutes(20) }, now.AddMinutes(6)));
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
