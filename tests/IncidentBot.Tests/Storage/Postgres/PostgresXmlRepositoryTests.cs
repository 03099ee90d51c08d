using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// The console's session keys in PostgreSQL: what one replica protects (a session cookie) another reads, also when they
/// started together on an empty table, also a key made later by one of them, and after a restart.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresXmlRepositoryTests(PostgresServer server)
{
    private const string Purpose = "console session";

    [SkippableFact]
    public async Task ReplicasStartingTogetherOnAnEmptyTableMakeOneKeyAndReadEachOthersCookies()
    {
        for (var round = 0; round < 3; round++)
        {
            var database = await MigratedDatabaseAsync();
            var replicas = Enumerable.Range(0, 3).Select(_ => Replica(database)).ToList();

            await Task.WhenAll(replicas.Select(r => Task.Run(() => StartAsync(r))));

            Assert.Equal(1L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM data_protection_keys"));
            foreach (var issuer in replicas)
            {
                var cookie = Protector(issuer).Protect($"session from {replicas.IndexOf(issuer)}");
                Assert.All(replicas, reader => Assert.Equal($"session from {replicas.IndexOf(issuer)}", Protector(reader).Unprotect(cookie)));
            }
            replicas.ForEach(r => r.Dispose());
        }
    }

    [SkippableFact]
    public async Task AKeyOneReplicaMakesLaterIsReadByTheOtherWhenItMeetsIt()
    {
        var database = await MigratedDatabaseAsync();
        using var a = Replica(database);
        using var b = Replica(database);
        await StartAsync(a);
        await StartAsync(b);
        Assert.Equal("before", Protector(b).Unprotect(Protector(a).Protect("before")));

        // A rotates: its new key is in use at once (as after a revocation), while B's key ring was read before it existed.
        var newKey = a.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var cookie = Protector(a).Protect("after");

        Assert.Contains(newKey.KeyId.ToString(), await Sql.ScalarAsync<string>(database, "SELECT string_agg(friendly_name, ',') FROM data_protection_keys"));
        Assert.Equal("after", Protector(b).Unprotect(cookie));
    }

    [SkippableFact]
    public async Task SessionsSurviveARestartOfEveryReplica()
    {
        var database = await MigratedDatabaseAsync();
        string cookie;
        using (var before = Replica(database))
        {
            await StartAsync(before);
            cookie = Protector(before).Protect("still signed in");
        }

        using var after = Replica(database);
        await StartAsync(after);

        Assert.Equal("still signed in", Protector(after).Unprotect(cookie));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM data_protection_keys"));
    }

    [SkippableFact]
    public async Task AnUnreadableRowIsLeftOutAndTheOtherKeysStillWork()
    {
        var database = await MigratedDatabaseAsync();
        using var a = Replica(database);
        await StartAsync(a);
        var cookie = Protector(a).Protect("kept");
        await Sql.ExecuteAsync(database, "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ('key-damaged', '<key id=')");

        using var b = Replica(database);
        await StartAsync(b);

        Assert.Equal("kept", Protector(b).Unprotect(cookie));
    }

    private async Task<string> MigratedDatabaseAsync()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(30));
        return database;
    }

    /// <summary>One replica's services: the store and Data Protection as the host sets them up on PostgreSQL.</summary>
    private static ServiceProvider Replica(string database)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddPostgresStorage(_ => database);
        services.AddDataProtection().SetApplicationName("IncidentBot").PersistKeysToPostgres();
        return services.BuildServiceProvider();
    }

    private static async Task StartAsync(IServiceProvider replica)
    {
        foreach (var start in replica.GetServices<IHostedService>().OfType<PostgresFirstSessionKey>())
        {
            await start.StartAsync(CancellationToken.None);
        }
    }

    private static IDataProtector Protector(IServiceProvider replica) => replica.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
