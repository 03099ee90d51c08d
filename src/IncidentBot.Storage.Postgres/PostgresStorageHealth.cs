using System.Net.Sockets;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The readiness probe (<c>/readyz</c>) for PostgreSQL: writes the <c>probe</c> row and reads it back. Null when that
/// works and no store of this bot had a write refused within <see cref="PostgresWriteRefusals.Memory"/> (the probe's
/// one-row upsert still fits on a full disk where the bot's writes do not); otherwise one line a person can act on: the
/// server cannot be reached, does not answer within <see cref="Timeout"/>, refuses writes (read-only), or has no disk
/// space left. Never a stack trace, never the password.
/// </summary>
public sealed class PostgresStorageHealth(NpgsqlDataSource dataSource, PostgresWriteRefusals? refusals = null) : IStorageHealth
{
    /// <summary>
    /// How long a probe waits for PostgreSQL, connecting included: well inside the readiness probe's own timeout
    /// (5 s in manifests/kubernetes/base/deployment.yaml), so an unreachable server is reported rather than timed out.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public async ValueTask<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        // Npgsql does not always stop at the token while it waits for a server's first answer (a hung server, a
        // black-holed proxy): the answer is given when the time is up, and a late probe finishes on its own.
        var probe = WriteAndReadBackAsync(cancellationToken);
        try
        {
            return await probe.WaitAsync(Timeout, cancellationToken) ?? RecentlyRefused();
        }
        catch (TimeoutException)
        {
            return $"PostgreSQL at {Server} did not answer within {Timeout.TotalSeconds:0.#} s.";
        }
    }

    /// <summary>The probe itself: every failure is an answer, so a probe given up on never leaves an unseen exception.</summary>
    private async Task<string?> WriteAndReadBackAsync(CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Timeout);
        var written = DateTimeOffset.UtcNow;
        // Microseconds, as timestamptz keeps them, so the value read back compares equal.
        written = written.AddTicks(-(written.Ticks % 10));
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(budget.Token);
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO probe (id, at) VALUES (1, @at) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at;
                SELECT at FROM probe WHERE id = 1;
                """, connection);
            command.Parameters.AddWithValue("at", written);
            var read = await command.ExecuteScalarAsync(budget.Token);
            return read is DateTime at && new DateTimeOffset(at, TimeSpan.Zero) == written
                ? null
                : $"PostgreSQL at {Server} did not give back the probe row it was just given (read {read ?? "nothing"}).";
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException || (e is NpgsqlException && budget.IsCancellationRequested))
        {
            return $"PostgreSQL at {Server} did not answer within {Timeout.TotalSeconds:0.#} s.";
        }
        catch (PostgresException e)
        {
            if (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
            {
                // Sessions keep the read-only default they started with: drop the pooled ones, so that once the
                // database takes writes again, the next probe (and every store) gets a session that can write.
                _dataSource.Clear();
            }
            return Reason(e, Server);
        }
        catch (NpgsqlException e)
        {
            // After a restart of the server every pooled session is broken: start afresh rather than meet them one by one.
            _dataSource.Clear();
            return $"Cannot reach PostgreSQL at {Server}: {Unreachable(e)}.";
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or IOException)
        {
            return $"PostgreSQL at {Server} could not be probed: {OneLine(e.Message)}";
        }
    }

    private string? RecentlyRefused() => refusals?.Recent() is { } refused ? $"PostgreSQL at {Server} cannot take the bot's writes: {refused}." : null;

    /// <summary>host:port, never the rest of the connection string.</summary>
    private string Server
    {
        get
        {
            var settings = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"{settings.Host}:{settings.Port}";
        }
    }

    /// <summary>What a refusal from the server means for the bot, in one line.</summary>
    internal static string Reason(PostgresException e, string server) => e.SqlState switch
    {
        PostgresErrorCodes.ReadOnlySqlTransaction =>
            $"PostgreSQL at {server} refuses writes: the database is read-only (default_transaction_read_only is on, or the server is a standby).",
        PostgresErrorCodes.DiskFull =>
            $"PostgreSQL at {server} cannot write: its disk is full ({OneLine(e.MessageText)}).",
        PostgresErrorCodes.InsufficientResources or PostgresErrorCodes.OutOfMemory or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.ConfigurationLimitExceeded =>
            $"PostgreSQL at {server} is out of resources: {OneLine(e.MessageText)} (SQLSTATE {e.SqlState}).",
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow =>
            $"PostgreSQL at {server} is shutting down or starting up: {OneLine(e.MessageText)}.",
        PostgresErrorCodes.UndefinedTable =>
            $"PostgreSQL at {server} has no probe table: the schema migrations have not been applied to this database.",
        _ => $"PostgreSQL at {server} refused the probe write: {OneLine(e.MessageText)} (SQLSTATE {e.SqlState}).",
    };

    private static string Unreachable(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused (is the server running?)";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return "the host name does not resolve";
                case SocketException socket:
                    return OneLine(socket.Message);
                case EndOfStreamException or IOException:
                    return "the connection was closed (has the server restarted?)";
            }
        }
        return OneLine(e.Message);
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
