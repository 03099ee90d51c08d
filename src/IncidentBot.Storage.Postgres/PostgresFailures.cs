using System.Net.Sockets;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The one place that decides which PostgreSQL failures mean "the store is unavailable right now" (the operation
/// may succeed later, unchanged) and turns them into Core's <see cref="StorageUnavailableException"/>; every other
/// failure is left as it is. The reason it gives names what went wrong, never the connection string or a password.
/// </summary>
public static class PostgresFailures
{
    /// <summary>
    /// SQLSTATEs that say the server cannot do any work for us now, whatever the statement: connection exceptions
    /// (class 08), insufficient resources (class 53: disk full, out of memory, too many connections), the server
    /// shutting down or starting (57P01, 57P02, 57P03) and a server that only reads (25006: a hot standby, or
    /// <c>default_transaction_read_only</c>).
    /// </summary>
    public static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
        || sqlState == PostgresErrorCodes.ReadOnlySqlTransaction;

    /// <summary>The failure as <see cref="StorageUnavailableException"/> when it means the store is unavailable; otherwise null.</summary>
    public static StorageUnavailableException? AsUnavailable(Exception failure) => failure switch
    {
        StorageUnavailableException already => already,
        PostgresException postgres when IsUnavailableState(postgres.SqlState) || postgres.IsTransient =>
            new StorageUnavailableException($"PostgreSQL cannot take work now: {OneLine(postgres.MessageText)} (SQLSTATE {postgres.SqlState}).", failure),
        PostgresException => null,
        NpgsqlException npgsql when npgsql.IsTransient || Cause(npgsql) is not null =>
            new StorageUnavailableException($"PostgreSQL cannot be reached: {Cause(npgsql) ?? OneLine(npgsql.Message)}.", failure),
        _ => null,
    };

    /// <summary>What lies under a failure to talk to the server at all, in words.</summary>
    private static string? Cause(Exception failure)
    {
        for (var inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
                case SocketException socket:
                    return OneLine(socket.Message);
                case TimeoutException:
                    return "no answer in time";
                case IOException io:
                    return OneLine(io.Message);
            }
        }
        return null;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
