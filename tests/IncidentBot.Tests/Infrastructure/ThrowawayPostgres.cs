using System.Diagnostics;
using Npgsql;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of its own, made by .ci/postgres.sh in a temp folder, that its owner may stop and start
/// again (an outage), reconfigure as the superuser, and finally remove. The fault tests use it, since they cannot
/// stop a server other tests share; the storm benchmark (which compiles this file in) uses it when it is given no
/// server. Needs the PostgreSQL binaries (/usr/lib/postgresql/*/bin).
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _repositoryRoot;
    private readonly string _folder;
    private readonly string _bin;

    private ThrowawayPostgres(string repositoryRoot, string connectionString, string folder, string bin)
    {
        _repositoryRoot = repositoryRoot;
        ConnectionString = connectionString;
        _folder = folder;
        _bin = bin;
    }

    /// <summary>The server's data folder (PGDATA).</summary>
    public string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Connects as the role that may create databases (not a superuser) to its own database.</summary>
    public string ConnectionString { get; }

    /// <summary>True where the PostgreSQL binaries are installed.</summary>
    public static bool Installed => Directory.Exists("/usr/lib/postgresql")
        && Directory.GetFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Length > 0;

    /// <summary>
    /// Starts a fresh server. <paramref name="fsync"/> on makes every commit wait for the disk as in production
    /// (the benchmark); off is faster and enough for tests, whose data may be lost in a crash of the machine.
    /// <paramref name="dataTmpfsMegabytes"/> puts the data folder on a tmpfs of that size (root only), so a test can
    /// fill the file system under the server.
    /// </summary>
    public static async Task<ThrowawayPostgres> StartAsync(string repositoryRoot, bool fsync = false, int? dataTmpfsMegabytes = null)
    {
        var tmpfs = dataTmpfsMegabytes is { } megabytes ? $"export TEST_POSTGRES_DATA_TMPFS_MB={megabytes} && " : "";
        var (exitCode, output) = await RunScriptAsync(repositoryRoot, tmpfs + $"export TEST_POSTGRES_FSYNC={(fsync ? "on" : "off")} && " +
            "start_test_postgres >&2 && trap - EXIT && " +
            "printf '%s\\n%s\\n%s\\n' \"$INCIDENTBOT_TEST_POSTGRES\" \"$test_postgres_dir\" \"$test_postgres_bin\"");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (exitCode != 0 || lines.Length < 3)
        {
            throw new InvalidOperationException($"could not start a throwaway PostgreSQL server with .ci/postgres.sh: {output.Trim()}");
        }
        return new ThrowawayPostgres(repositoryRoot, lines[^3], lines[^2], lines[^1]);
    }

    /// <summary>A new, empty database owned by the role of <see cref="ConnectionString"/>; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        // Not pooled: a pooled session would not survive the outages the tests make.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server as an outage would (open sessions are ended); its data stays.</summary>
    public Task StopServerAsync() => RunOrThrowAsync("stop_test_postgres_server", "stop the PostgreSQL server");

    /// <summary>Starts the stopped server again on the same port; returns once it takes connections.</summary>
    public Task StartServerAsync() => RunOrThrowAsync("start_test_postgres_server \"$(cat \"$test_postgres_dir/port\")\"", "start the PostgreSQL server again");

    /// <summary>Runs SQL as the superuser (ALTER SYSTEM, pg_terminate_backend, …); returns what it printed, unaligned.</summary>
    public async Task<string> SuperuserSqlAsync(string sql)
    {
        var (exitCode, output) = await RunScriptAsync(_repositoryRoot, $"{Here} && test_postgres_superuser_sql <<'SQL'\n{sql}\nSQL");
        return exitCode == 0 ? output.Trim() : throw new InvalidOperationException($"SQL as the superuser failed: {output.Trim()}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunScriptAsync(_repositoryRoot, $"{Here} && stop_test_postgres");
    }

    private string Here => $"test_postgres_dir='{_folder}' && test_postgres_bin='{_bin}'";

    private async Task RunOrThrowAsync(string function, string what)
    {
        var (exitCode, output) = await RunScriptAsync(_repositoryRoot, $"{Here} && {function}");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"could not {what}: {output.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(string repositoryRoot, string script)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", "source .ci/postgres.sh && " + script])
        {
            WorkingDirectory = repositoryRoot,
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
