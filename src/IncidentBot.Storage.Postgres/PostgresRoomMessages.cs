using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The web console's rooms, in <c>room_messages</c>. The console polls a room for the messages after the last id it
/// has; ids come from an identity column, so they grow in the order rows are inserted, and appends to one room take
/// turns (a transaction-scoped advisory lock on the room) so they also commit in that order: a reader that has seen
/// id 11 never has id 10 appear behind it.
/// </summary>
public sealed class PostgresRoomMessages(NpgsqlDataSource dataSource) : IRoomMessageStore
{
    /// <summary>The first key of the advisory lock a room's appends take (the second is the incident number): "Room".</summary>
    internal const int RoomLockClass = 0x526F6F6D;

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public async ValueTask AppendAsync(RoomMessage message, CancellationToken cancellationToken)
    {
        if ((message.Text is null) == (message.MessageJson is null))
        {
            throw new ArgumentException("A room message holds either what a person typed (Text) or the bot's message (MessageJson), exactly one of them.", nameof(message));
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, @incident)", connection, transaction))
        {
            turn.Parameters.AddWithValue("class", RoomLockClass);
            turn.Parameters.AddWithValue("incident", message.IncidentNumber);
            await turn.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO room_messages (incident_number, at, author, text, message)
            VALUES (@incident, @at, @author, @text, @message)
            RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("incident", message.IncidentNumber);
            insert.Parameters.AddWithValue("at", message.At.ToUniversalTime());
            insert.Parameters.AddWithValue("author", message.Author);
            insert.Parameters.Add(new NpgsqlParameter<string?>("text", NpgsqlDbType.Text) { TypedValue = message.Text });
            insert.Parameters.Add(new NpgsqlParameter<string?>("message", NpgsqlDbType.Json) { TypedValue = message.MessageJson });
            var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            message.Id = id;
        }
    }

    public async ValueTask<IReadOnlyList<RoomMessage>> RoomOfAsync(int incidentNumber, long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT id, at, author, text, message::text
            FROM room_messages
            WHERE incident_number = @incident AND id > @after
            ORDER BY id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("incident", incidentNumber);
        command.Parameters.AddWithValue("after", afterId);
        command.Parameters.AddWithValue("limit", Math.Max(0, limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<RoomMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new RoomMessage
            {
                Id = reader.GetInt64(0),
                IncidentNumber = incidentNumber,
                At = reader.GetFieldValue<DateTimeOffset>(1),
                Author = reader.GetString(2),
                Text = reader.IsDBNull(3) ? null : reader.GetString(3),
                MessageJson = reader.IsDBNull(4) ? null : reader.GetString(4),
            });
        }
        return messages;
    }
}
