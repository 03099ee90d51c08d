using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// A batch that starts by taking a transaction-scoped advisory lock, so claimers of one kind of work (inbox entries,
/// outbox items) run their claim one at a time across every replica; the lock ends with the transaction.
/// </summary>
internal static class PostgresClaimBatch
{
    /// <summary>A batch on <paramref name="transaction"/> whose first command waits for lock <paramref name="key"/>.</summary>
    public static NpgsqlBatch Start(NpgsqlConnection connection, NpgsqlTransaction transaction, long key)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@key)");
        lockCommand.Parameters.AddWithValue("key", key);
        batch.BatchCommands.Add(lockCommand);
        return batch;
    }
}
