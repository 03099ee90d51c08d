using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Accepted alerts waiting to be correlated, leased with SELECT … FOR UPDATE SKIP LOCKED (skeleton).</summary>
public sealed class PostgresAlertInbox(NpgsqlDataSource dataSource) : IAlertInboxStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<int> PendingCountAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<bool> HasPendingAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
