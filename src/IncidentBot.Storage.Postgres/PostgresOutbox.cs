using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Chat work waiting for delivery, claimed per conversation (skeleton).</summary>
public sealed class PostgresOutbox(NpgsqlDataSource dataSource) : IOutboxStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask<IReadOnlyList<OutboxItem>> ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask RescheduleAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask MarkFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<int> PendingCountAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
