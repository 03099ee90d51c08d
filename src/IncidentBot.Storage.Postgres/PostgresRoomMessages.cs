using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>The web console's rooms (skeleton).</summary>
public sealed class PostgresRoomMessages(NpgsqlDataSource dataSource) : IRoomMessageStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask AppendAsync(RoomMessage message, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<RoomMessage>> RoomOfAsync(int incidentNumber, long afterId, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();
}
