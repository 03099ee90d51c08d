using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Deliveries already acted on (skeleton).</summary>
public sealed class PostgresDeduplication(NpgsqlDataSource dataSource) : IDeduplicationStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask<bool> TryRecordAsync(DeduplicationKey key, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<int> PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();
}
