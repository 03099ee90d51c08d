using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Bench.Bot;

/// <summary>
/// The PostgreSQL server of a <c>--store postgres</c> run: the one <c>--postgres</c> names, or a throwaway one
/// started with .ci/postgres.sh (fsync on, so a commit costs what it costs in production) and removed afterwards.
/// Every run gets fresh databases, dropped at the end.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly ThrowawayPostgres? _throwaway;
    private readonly List<string> _databases = [];
    private readonly LatencyProxy? _latency;
    private readonly TimeSpan _oneWay;

    private BenchPostgres(string adminConnectionString, ThrowawayPostgres? throwaway, TimeSpan oneWay)
    {
        _adminConnectionString = adminConnectionString;
        _throwaway = throwaway;
        _oneWay = oneWay;
        if (oneWay > TimeSpan.Zero)
        {
            var server = new NpgsqlConnectionStringBuilder(adminConnectionString);
            _latency = LatencyProxy.Start(server.Host ?? "127.0.0.1", server.Port, oneWay);
        }
    }

    /// <summary>Where the server came from, for the report.</summary>
    public string Origin => _throwaway is null ? "the server --postgres names" : "a throwaway server from .ci/postgres.sh";

    /// <summary>
    /// The server's postmaster process, whose children are its backends, when the bench started the server itself
    /// (the CPU it spends per alert is in the report); null for a server <c>--postgres</c> names.
    /// </summary>
    public int? ServerProcessId => _throwaway is not null
        && File.Exists(Path.Combine(_throwaway.DataFolder, "postmaster.pid"))
        && int.TryParse(File.ReadLines(Path.Combine(_throwaway.DataFolder, "postmaster.pid")).FirstOrDefault(), out var pid)
            ? pid
            : null;

    /// <summary>
    /// Uses <paramref name="given"/> (a role that may create databases), or starts a throwaway server. With
    /// <paramref name="oneWay"/> above zero, the bot and the baseline reach it through a <see cref="LatencyProxy"/>.
    /// </summary>
    public static async Task<BenchPostgres> OpenAsync(string? given, TimeSpan oneWay = default)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new BenchPostgres(given, null, oneWay);
        }
        var throwaway = await ThrowawayPostgres.StartAsync(BenchPaths.Root, fsync: true);
        return new BenchPostgres(throwaway.ConnectionString, throwaway, oneWay);
    }

    /// <summary>The server's version and the settings that decide what a commit costs.</summary>
    public async Task<string> DescribeAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('shared_buffers')", connection);
        await using var reader = await show.ExecuteReaderAsync();
        await reader.ReadAsync();
        var latency = _latency is null ? "" : $", reached through a proxy adding {_oneWay.TotalMilliseconds:0.###} ms each way (--database-latency)";
        return $"PostgreSQL {reader.GetString(0)} ({Origin}): fsync {reader.GetString(1)}, synchronous_commit {reader.GetString(2)}, shared_buffers {reader.GetString(3)}{latency}";
    }

    /// <summary>A new, empty database for this run; its connection string (through the latency proxy, if any).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        _databases.Add(name);
        var database = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name };
        if (_latency is not null)
        {
            (database.Host, database.Port) = ("127.0.0.1", _latency.Port);
        }
        return database.ConnectionString;
    }

    /// <summary>
    /// What the bot's own database holds after the storm, read straight from its tables: the check that nothing
    /// acknowledged is lost (and that the bot really ran on PostgreSQL).
    /// </summary>
    public static async Task<StoredRows> CountStoredAsync(string botDatabase)
    {
        await using var connection = new NpgsqlConnection(botDatabase);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM incidents), (SELECT count(*) FROM inbox)", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoredRows((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_latency is not null)
        {
            await _latency.DisposeAsync();
        }
        if (_throwaway is not null)
        {
            await _throwaway.DisposeAsync();
            return;
        }
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Rows in the bot's PostgreSQL database: alerts (each attached to an incident), incidents, inbox entries.</summary>
public sealed record StoredRows(int Alerts, int Incidents, int Inbox);
