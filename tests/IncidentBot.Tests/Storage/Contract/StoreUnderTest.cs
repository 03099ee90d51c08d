using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// One provider's store, opened the way the host opens it, for the contract suites: every suite under Storage/Contract
/// is an abstract class with one subclass per provider (…OnLiteDb, …OnPostgres), so both stores pass the same tests.
/// </summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly Func<IServiceCollection, IServiceCollection> _register;
    private readonly Action? _cleanup;
    private ServiceProvider _services;

    private StoreUnderTest(string provider, Func<IServiceCollection, IServiceCollection> register, Action? cleanup)
    {
        Provider = provider;
        _register = register;
        _cleanup = cleanup;
        _services = Build();
    }

    /// <summary><c>litedb</c> or <c>postgres</c>.</summary>
    public string Provider { get; }

    /// <summary>A store interface (IIncidentStore, IOutboxStore, …) of this provider.</summary>
    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Closes the store and opens it again on the same data, as a restarted bot would.</summary>
    public async Task ReopenAsync()
    {
        await _services.DisposeAsync();
        _services = Build();
    }

    /// <summary>A store in a new, empty LiteDB data file of its own.</summary>
    public static Task<StoreUnderTest> LiteDbAsync()
    {
        var folder = Directory.CreateTempSubdirectory("incidentbot-contract-");
        var file = Path.Combine(folder.FullName, "incidentbot.db");
        return Task.FromResult(new StoreUnderTest("litedb", services => services.AddLiteDbStorage(_ => file), () => folder.Delete(recursive: true)));
    }

    /// <summary>A store in a new, empty PostgreSQL database of its own, migrated as the host migrates it at start.</summary>
    public static async Task<StoreUnderTest> PostgresAsync(PostgresServer server)
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        return Postgres(database);
    }

    /// <summary>A store in a PostgreSQL database the test has made (and migrated) itself.</summary>
    public static StoreUnderTest Postgres(string database) => new("postgres", services => services.AddPostgresStorage(_ => database), null);

    private ServiceProvider Build() =>
        _register(new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)).AddSingleton(TimeProvider.System))
            .BuildServiceProvider();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _cleanup?.Invoke();
    }
}
