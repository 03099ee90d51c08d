using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>Deliveries already acted on, in <c>dedupe_keys</c> (key, expires_at), pruned by the expiry index.</summary>
public sealed class PostgresDeduplication(NpgsqlDataSource dataSource) : IDeduplicationStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public async ValueTask<bool> TryRecordAsync(DeduplicationKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        key.ThrowIfNotStorable();
        // A new key is inserted; an expired one is taken over; a live one is left alone and returns no row. Concurrent
        // callers with the same key queue on its row (or on the insert that creates it) and see the winner's write,
        // so exactly one of them gets a row back.
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO dedupe_keys AS d (key, expires_at) VALUES ($1, $2)
            ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
            WHERE d.expires_at < $3
            RETURNING true
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = key.Key });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = key.ExpiresAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now.ToUniversalTime() });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async ValueTask<int> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM dedupe_keys WHERE expires_at < $1");
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
