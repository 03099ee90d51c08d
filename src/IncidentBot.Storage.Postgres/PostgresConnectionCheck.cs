using System.Net.Sockets;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Tells, before anything else uses the database, whether the configured connection string reaches a PostgreSQL
/// server that lets this IncidentBot in: null when it does, otherwise one line saying what is wrong (never the
/// password, never a stack trace), for the start-up problem report.
/// </summary>
public static class PostgresConnectionCheck
{
    public const string Setting = "ConnectionStrings:IncidentBot";

    public static async Task<string?> ProblemAsync(string? connectionString, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"{Setting} is empty: set it to the PostgreSQL connection string (Host=...;Database=...;Username=...;Password=...).";
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return $"{Setting} is not a valid PostgreSQL connection string: {OneLine(e.Message)}";
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            return $"{Setting} names no Host: add Host=<server name or address>.";
        }
        builder.Timeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var server = $"{builder.Host}:{builder.Port}";
        var database = builder.Database ?? builder.Username ?? "(default)";
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var probe = new NpgsqlCommand("SELECT 1", connection);
            await probe.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword =>
                    $"PostgreSQL at {server} refused the password for user \"{builder.Username}\" ({Setting}).",
                PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    $"PostgreSQL at {server} does not let user \"{builder.Username}\" in: {OneLine(e.MessageText)} ({Setting}).",
                PostgresErrorCodes.InvalidCatalogName =>
                    $"PostgreSQL at {server} has no database \"{database}\": create it, or fix Database= in {Setting}.",
                PostgresErrorCodes.InsufficientPrivilege =>
                    $"PostgreSQL at {server} does not let user \"{builder.Username}\" use database \"{database}\": {OneLine(e.MessageText)}.",
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow =>
                    $"PostgreSQL at {server} is not taking connections now: {OneLine(e.MessageText)}.",
                _ => $"PostgreSQL at {server} refused the connection: {OneLine(e.MessageText)} (SQLSTATE {e.SqlState}).",
            };
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException or OperationCanceledException)
        {
            return $"Cannot reach PostgreSQL at {server} ({Setting}): {Reason(e, timeout)}.";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Settings that parse but cannot be used together (e.g. an SSL mode the server cannot offer).
            return $"{Setting} cannot be used: {OneLine(e.Message)}";
        }
    }

    private static string Reason(Exception e, TimeSpan timeout)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused (is the server running and listening on that port?)";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return "the host name does not resolve";
                case SocketException socket:
                    return OneLine(socket.Message);
                case TimeoutException or OperationCanceledException:
                    return $"no answer within {timeout.TotalSeconds:0} s";
            }
        }
        return OneLine(e.Message);
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
