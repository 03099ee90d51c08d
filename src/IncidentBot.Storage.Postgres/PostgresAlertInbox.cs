using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Accepted alerts waiting to be correlated. A webhook batch is one multi-row INSERT in one transaction (group commit:
/// acknowledged means committed); processors lease entries with <c>SELECT … FOR UPDATE SKIP LOCKED</c>, so two of
/// them never take the same entry and neither waits for the other.
/// </summary>
public sealed class PostgresAlertInbox(NpgsqlDataSource dataSource) : IAlertInboxStore
{
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
            INSERT INTO inbox (received_at, alert, raw)
            SELECT received_at, alert, raw FROM unnest(@received_at, @alert, @raw) WITH ORDINALITY AS t (received_at, alert, raw, position)
            ORDER BY position
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter("received_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = entries.Select(e => e.ReceivedAt.UtcDateTime).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("alert", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = entries.Select(e => WithoutRaw(e.Alert)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("raw", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = entries.Select(e => PostgresRawJson.ToJsonb(e.Alert.Raw)).ToArray() });
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
    /// One statement: the oldest entries nobody holds are locked (skipping those another claimer is locking right now),
    /// then leased. The stored attempts are the failed ones; this claim is the next attempt.
    /// </summary>
    public async ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            WITH claimable AS (
                SELECT id FROM inbox
                WHERE NOT dead_lettered AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY id LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE inbox SET leased_by = @owner, lease_until = @until
            FROM claimable WHERE inbox.id = claimable.id
            RETURNING inbox.id, received_at, alert::text, raw::text, attempts, last_error
            """);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("max", Math.Max(0, max));
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("until", (now + lease).UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<InboxEntry> claimed = [];
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
            });
        }
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
