using IncidentBot.Chat.Outbox;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Chat work waiting for delivery, claimed per conversation. Claims are taken one at a time across every replica
/// (a transaction-scoped advisory lock): a conversation's items are claimed together, in order, only when its first
/// pending item decides so, and a second claimer, waiting for the lock, then sees the first one's claims. A claim
/// that runs out (its holder died or stalled) is taken over by the next claimer, which is told whom it took it from.
/// </summary>
public sealed class PostgresOutbox(NpgsqlDataSource dataSource) : IOutboxStore
{
    /// <summary>The advisory lock key claimers take (any fixed number no other lock of the bot uses).</summary>
    public const long ClaimLock = 0x1B_0B07_0C1A;

    private const string ItemColumns =
        "id, platform, incident_number, kind, message::text, created_at, next_attempt_at, attempts, last_error, claimed_by, claim_until, state, completed_at";

    private readonly NpgsqlDataSource _dataSource = dataSource;

    /// <summary>
    /// For each conversation (conversation_key), in the order of its first pending item: nothing when that item is
    /// not due yet or someone else holds it; otherwise its pending items in order, up to the first one someone else
    /// holds. At most <paramref name="max"/> items in all. The pending items are read through
    /// outbox_pending_by_conversation, already in (conversation, id) order.
    /// </summary>
    public async ValueTask<IReadOnlyList<OutboxItem>> ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = PostgresClaimBatch.Start(connection, transaction, ClaimLock);
        var claim = new NpgsqlBatchCommand($"""
            WITH pending AS (
                SELECT id, next_attempt_at, claimed_by AS previous_holder,
                       coalesce(claim_until > @now AND claimed_by IS DISTINCT FROM @owner, false) AS held,
                       first_value(id) OVER (PARTITION BY conversation_key ORDER BY id) AS head_id
                FROM outbox WHERE state = 'pending'
            ), conversations AS (
                SELECT id, head_id, previous_holder,
                       bool_or(held) OVER (PARTITION BY head_id ORDER BY id) AS blocked,
                       first_value(next_attempt_at) OVER (PARTITION BY head_id ORDER BY id) AS head_due
                FROM pending
            ), claimable AS (
                SELECT id, head_id, previous_holder FROM conversations WHERE NOT blocked AND head_due <= @now ORDER BY head_id, id LIMIT @max
            )
            UPDATE outbox SET claimed_by = @owner, claim_until = @until
            FROM claimable WHERE outbox.id = claimable.id AND outbox.state = 'pending'
            RETURNING claimable.head_id, claimable.previous_holder, {string.Join(", ", ItemColumns.Split(", ").Select(c => "outbox." + c))}
            """);
        claim.Parameters.AddWithValue("now", now.UtcDateTime);
        claim.Parameters.AddWithValue("owner", owner);
        claim.Parameters.AddWithValue("until", (now + lease).UtcDateTime);
        claim.Parameters.AddWithValue("max", Math.Max(0, max));
        batch.BatchCommands.Add(claim);
        List<(long Head, OutboxItem Item)> claimed = [];
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken); // past the lock
            while (await reader.ReadAsync(cancellationToken))
            {
                var item = ReadItem(reader, 2);
                // Every outcome clears the claim, so a holder still named is one whose claim ran out mid-delivery.
                item.TakenOverFrom = reader.IsDBNull(1) || reader.GetString(1) == owner ? null : reader.GetString(1);
                claimed.Add((reader.GetInt64(0), item));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return claimed.OrderBy(c => c.Head).ThenBy(c => c.Item.Id).Select(c => c.Item).ToList();
    }

    public ValueTask MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => UpdateAsync(
        "state = 'delivered', completed_at = @at, attempts = attempts + 1", id, cancellationToken, ("at", at.UtcDateTime));

    public ValueTask RescheduleAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) => UpdateAsync(
        "attempts = attempts + 1, next_attempt_at = @next, last_error = @error", id, cancellationToken, ("next", nextAttemptAt.UtcDateTime), ("error", error));

    public ValueTask MarkFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken) => UpdateAsync(
        "state = 'failed', completed_at = @at, attempts = attempts + 1, last_error = @error", id, cancellationToken, ("at", at.UtcDateTime), ("error", error));

    public async ValueTask<int> PendingCountAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*)::integer FROM outbox WHERE state = 'pending'");
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every outcome releases the claim.</summary>
    private async ValueTask UpdateAsync(string set, long id, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = _dataSource.CreateCommand($"UPDATE outbox SET {set}, claimed_by = NULL, claim_until = NULL WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static OutboxItem ReadItem(NpgsqlDataReader reader, int first) => new()
    {
        Id = reader.GetInt64(first),
        Platform = reader.GetString(first + 1),
        IncidentNumber = reader.IsDBNull(first + 2) ? null : reader.GetInt32(first + 2),
        Kind = PostgresValues.ToOutboxItemKind(reader.GetString(first + 3)),
        MessageJson = reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(first + 5),
        NextAttemptAt = reader.GetFieldValue<DateTimeOffset>(first + 6),
        Attempts = reader.GetInt32(first + 7),
        LastError = reader.IsDBNull(first + 8) ? null : reader.GetString(first + 8),
        LeaseOwner = reader.IsDBNull(first + 9) ? null : reader.GetString(first + 9),
        LeaseUntil = reader.IsDBNull(first + 10) ? null : reader.GetFieldValue<DateTimeOffset>(first + 10),
        State = PostgresValues.ToOutboxItemState(reader.GetString(first + 11)),
        CompletedAt = reader.IsDBNull(first + 12) ? null : reader.GetFieldValue<DateTimeOffset>(first + 12),
    };
}
