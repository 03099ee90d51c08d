using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Accepted alerts waiting to be correlated. A webhook batch is one multi-row INSERT in one transaction (group commit:
/// acknowledged means committed); processors lease entries one claim at a time across every replica (a
/// transaction-scoped advisory lock), so two of them never take the same entry, and an entry is left alone while an
/// older entry of its group key is leased: a group's alerts are applied in the order they were accepted.
/// </summary>
public sealed class PostgresAlertInbox(NpgsqlDataSource dataSource) : IAlertInboxStore
{
    /// <summary>The advisory lock key claimers take (any fixed number no other lock of the bot uses).</summary>
    public const long ClaimLock = 0x1B_0B07_1B0C;

    private readonly NpgsqlDataSource _dataSource = dataSource;

    /// <summary>
    /// One statement, so one implicit transaction: every entry or none. Identity values are drawn in the order the
    /// rows are inserted, so the ids returned, sorted, belong to the entries in their order.
    /// </summary>
    public async ValueTask AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO inbox (received_at, alert, raw, group_key)
            SELECT received_at, alert, raw, group_key FROM unnest(@received_at, @alert, @raw, @group_key) WITH ORDINALITY AS t (received_at, alert, raw, group_key, position)
            ORDER BY position
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter("received_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = entries.Select(e => e.ReceivedAt.UtcDateTime).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("alert", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = entries.Select(e => WithoutRaw(e.Alert)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("raw", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = entries.Select(e => PostgresRawJson.ToJsonb(e.Alert.Raw)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("group_key", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => (object?)e.GroupKey ?? DBNull.Value).ToArray() });
        List<long> ids = [];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        ids.Sort();
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Id = ids[i];
        }
    }

    /// <summary>
    /// Under the claim lock, so claimers take turns and each sees the leases the one before it took: the oldest
    /// entries nobody holds, skipping any whose group key has an older entry under a live lease (its holder's, or
    /// anyone's: a failed entry keeps its lease until it is retried). Without the lock, two claimers running at once
    /// would each see the other's entries unleased and could split a firing and its resolve between them. The stored
    /// attempts are the failed ones; this claim is the next attempt.
    /// </summary>
    public async ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = PostgresClaimBatch.Start(connection, transaction, ClaimLock);
        var claim = new NpgsqlBatchCommand("""
            WITH claimable AS (
                SELECT e.id FROM inbox e
                WHERE NOT e.dead_lettered AND (e.lease_until IS NULL OR e.lease_until < @now)
                  AND NOT EXISTS (
                      SELECT 1 FROM inbox older
                      WHERE older.group_key = e.group_key AND older.id < e.id
                        AND NOT older.dead_lettered AND older.group_key IS NOT NULL AND older.lease_until >= @now)
                ORDER BY e.id LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE inbox SET leased_by = @owner, lease_until = @until
            FROM claimable WHERE inbox.id = claimable.id
            RETURNING inbox.id, received_at, alert::text, raw::text, attempts, last_error, group_key
            """);
        claim.Parameters.AddWithValue("now", now.UtcDateTime);
        claim.Parameters.AddWithValue("max", Math.Max(0, max));
        claim.Parameters.AddWithValue("owner", owner);
        claim.Parameters.AddWithValue("until", (now + lease).UtcDateTime);
        batch.BatchCommands.Add(claim);
        List<InboxEntry> claimed = [];
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken); // past the lock
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new InboxEntry
                {
                    Id = reader.GetInt64(0),
                    ReceivedAt = reader.GetFieldValue<DateTimeOffset>(1),
                    Alert = ReadAlert(reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
                    LeaseOwner = owner,
                    LeaseUntil = now + lease,
                    Attempts = reader.GetInt32(4) + 1,
                    LastError = reader.IsDBNull(5) ? null : reader.GetString(5),
                    GroupKey = reader.IsDBNull(6) ? null : reader.GetString(6),
                });
            }
        }
        await transaction.CommitAsync(cancellationToken);
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    /// <summary>Counts the failed attempt and keeps the lease: retried once it runs out, or never again when dead-lettered.</summary>
    public async ValueTask RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE inbox SET attempts = attempts + 1, last_error = @error, dead_lettered = @dead_letter WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("dead_letter", deadLetter);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<int> PendingCountAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*)::integer FROM inbox WHERE NOT dead_lettered");
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask<bool> HasPendingAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM inbox WHERE NOT dead_lettered)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The normalised alert as jsonb; its raw payload goes to its own column.</summary>
    private static string WithoutRaw(Alert alert)
    {
        var node = JsonSerializer.SerializeToNode(alert, PostgresJson.Options)!.AsObject();
        node.Remove("raw");
        return node.ToJsonString(PostgresJson.Options);
    }

    private static Alert ReadAlert(string alert, string? raw)
    {
        var node = JsonNode.Parse(alert)!.AsObject();
        node["raw"] = PostgresRawJson.FromJsonb(raw);
        return node.Deserialize<Alert>(PostgresJson.Options) ?? throw new JsonException("null where an alert was stored");
    }
}
