using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The last time a store of this data source had a write refused because the server cannot write (read-only, disk
/// full, out of resources), so readiness can fail on it: the readiness probe's own write (an upsert of one row that
/// always fits a page PostgreSQL already has) succeeds on a full disk, while the bot's real writes fail. Readiness
/// stays failed for <see cref="Memory"/> after the last refusal, then passes again by itself once writes succeed.
/// </summary>
public sealed class PostgresWriteRefusals(TimeProvider time)
{
    /// <summary>How long a refused write keeps readiness failed.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private (DateTimeOffset At, string Reason)? _last;

    /// <summary>Remembers the failure when it says the server cannot write now; other failures are left alone.</summary>
    public void Saw(Exception failure)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is PostgresException postgres && RefusesWrites(postgres.SqlState))
            {
                lock (_lock)
                {
                    _last = (time.GetUtcNow(), $"{Describe(postgres.SqlState)} (SQLSTATE {postgres.SqlState})");
                }
                return;
            }
        }
    }

    /// <summary>Why readiness fails now, or null when no write was refused within <see cref="Memory"/>.</summary>
    public string? Recent()
    {
        lock (_lock)
        {
            if (_last is not { } last)
            {
                return null;
            }
            var ago = time.GetUtcNow() - last.At;
            return ago < Memory ? $"a write was refused {Math.Max(0, ago.TotalSeconds):0} s ago: {last.Reason}" : null;
        }
    }

    /// <summary>Read-only (25006) and the server's resources (class 53: disk full, out of memory …), not one statement's fault.</summary>
    public static bool RefusesWrites(string sqlState) =>
        sqlState == PostgresErrorCodes.ReadOnlySqlTransaction
        || sqlState is PostgresErrorCodes.DiskFull or PostgresErrorCodes.InsufficientResources or PostgresErrorCodes.OutOfMemory;

    private static string Describe(string sqlState) => sqlState switch
    {
        PostgresErrorCodes.ReadOnlySqlTransaction => "the database is read-only",
        PostgresErrorCodes.DiskFull => "its disk is full",
        _ => "it is out of resources",
    };
}
