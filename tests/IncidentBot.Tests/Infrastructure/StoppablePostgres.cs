namespace IncidentBot.Tests.Infrastructure;

/// <summary>The fault tests share one server they may stop, start and reconfigure; no other test uses it.</summary>
[CollectionDefinition(StoppablePostgres.Collection)]
public sealed class StoppablePostgresCollection : ICollectionFixture<StoppablePostgres>;

/// <summary>
/// A PostgreSQL server of the fault tests' own (<see cref="ThrowawayPostgres"/>), never the shared one named by
/// INCIDENTBOT_TEST_POSTGRES, since these tests stop it and make it refuse writes. Where the PostgreSQL binaries
/// are missing the tests are skipped locally and fail under CI (.ci/run installs them).
/// </summary>
public sealed class StoppablePostgres : IAsyncLifetime
{
    public const string Collection = "PostgreSQL faults";

    private ThrowawayPostgres? _server;
    private string? _problem;

    public ThrowawayPostgres Server => _server ?? throw Unavailable();

    public async Task InitializeAsync()
    {
        if (!ThrowawayPostgres.Installed)
        {
            _problem = "PostgreSQL is not installed (apt-get install -y postgresql)";
            return;
        }
        try
        {
            _server = await ThrowawayPostgres.StartAsync(RepositoryPaths.Root);
        }
        catch (InvalidOperationException ex)
        {
            _problem = ex.Message;
        }
    }

    /// <summary>The settings that run a bot process on a fresh database of this server.</summary>
    public async Task<Dictionary<string, string>> BotOnFreshDatabaseAsync() => BotOn(await Server.CreateDatabaseAsync("fault"));

    /// <summary>The settings that run a bot process on the database <paramref name="connectionString"/> names.</summary>
    public static Dictionary<string, string> BotOn(string connectionString) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:IncidentBot"] = connectionString,
        // BotLaunch names a LiteDB file for every bot; on PostgreSQL there is none.
        ["Storage:Path"] = "",
    };

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Exception Unavailable()
    {
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"No PostgreSQL server for the fault tests: {_problem}. .ci/run installs postgresql.");
        return new SkipException($"no PostgreSQL server: {_problem}");
    }
}
