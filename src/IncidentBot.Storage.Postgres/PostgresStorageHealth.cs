using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Writes and reads back the probe row (skeleton).</summary>
public sealed class PostgresStorageHealth(NpgsqlDataSource dataSource) : IStorageHealth
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask<string?> ProbeAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
