using System.Diagnostics;
using Npgsql;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>The tests that need a PostgreSQL server share one through this collection.</summary>
[CollectionDefinition(PostgresServer.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;

/// <summary>
/// A PostgreSQL server for tests. .ci/run starts a throwaway one and names it in INCIDENTBOT_TEST_POSTGRES; without
/// that variable, where the PostgreSQL binaries are installed, this starts its own the same way (.ci/postgres.sh)
/// and removes it afterwards. Every test gets a fresh database of its own from <see cref="CreateDatabaseAsync"/>.
/// Where there is no server, the tests are skipped locally and fail under CI.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Collection = "PostgreSQL";
    public const string Variable = "INCIDENTBOT_TEST_POSTGRES";

    private readonly List<string> _databases = [];
    private string? _connectionString;
    private string? _problem;
    private (string Folder, string Bin)? _ownServer;

    /// <summary>Connects to the server's own database as the role that creates the test databases.</summary>
    public string AdminConnectionString => _connectionString ?? throw Unavailable();

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            _connectionString = given;
            return;
        }
        if (FindTool("initdb") is null)
        {
            _problem = $"PostgreSQL is not installed (apt-get install -y postgresql) and {Variable} is not set";
            return;
        }
        // The same script .ci/run uses; its EXIT trap is cleared, so the server outlives the script until DisposeAsync.
        var (exitCode, output) = await RunScriptAsync(
            "source .ci/postgres.sh && start_test_postgres >&2 && trap - EXIT && " +
            "printf '%s\\n%s\\n%s\\n' \"$INCIDENTBOT_TEST_POSTGRES\" \"$test_postgres_dir\" \"$test_postgres_bin\"");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (exitCode != 0 || lines.Length < 3)
        {
            _problem = $"could not start a throwaway PostgreSQL server with .ci/postgres.sh: {output.Trim()}";
            return;
        }
        (_connectionString, _ownServer) = (lines[^3], (lines[^2], lines[^1]));
    }

    /// <summary>A new, empty database only this test uses; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var admin = AdminConnectionString;
        var name = $"test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        lock (_databases)
        {
            _databases.Add(name);
        }
        // Hundreds of test databases share one server: idle pooled connections are closed after a few seconds, so the
        // pools of finished tests do not use up the server's connection slots.
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, ConnectionIdleLifetime = 5, ConnectionPruningInterval = 1 }.ConnectionString;
    }

    /// <summary>A PostgreSQL client program (pg_dump, pg_restore, …) of the newest installed version.</summary>
    public string Tool(string name)
    {
        if (FindTool(name) is { } path)
        {
            return path;
        }
        _problem = $"{name} is not installed (apt-get install -y postgresql)";
        throw Unavailable();
    }

    /// <summary>Runs a PostgreSQL client program against a test database; its exit code and what it printed.</summary>
    public async Task<(int ExitCode, string Output)> RunToolAsync(string name, string connectionString, params string[] arguments)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Tool(name), [$"--host={target.Host}", $"--port={target.Port}", $"--username={target.Username}", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = target.Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindTool(string name) =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetFiles("/usr/lib/postgresql", name, SearchOption.AllDirectories)
                .Where(path => Path.GetFileName(Path.GetDirectoryName(path)) == "bin")
                .OrderBy(path => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))), out var version) ? version : 0)
                .LastOrDefault()
            : null;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_ownServer is { } own)
        {
            await RunScriptAsync($"source .ci/postgres.sh && test_postgres_dir='{own.Folder}' && test_postgres_bin='{own.Bin}' && stop_test_postgres");
            return;
        }
        if (_connectionString is null)
        {
            return;
        }
        // A server someone else runs keeps running: only the databases made here are dropped, as best we can. A
        // database a bot process still holds in some way (a replica test's straggler) must not turn a green run red:
        // on CI the server itself is thrown away afterwards.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex)
            {
                Console.Error.WriteLine($"Could not drop test database {name}: {ex.SqlState} {ex.MessageText}");
            }
        }
    }

    private Exception Unavailable()
    {
        // On CI, .ci/run starts the server, so its absence is a failure, never a skip.
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"No PostgreSQL server for the tests: {_problem}. .ci/run installs postgresql and starts one.");
        return new SkipException($"no PostgreSQL server: {_problem}");
    }

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, process.ExitCode == 0 ? await stdout : await stderr + await stdout);
    }
}
