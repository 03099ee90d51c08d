using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Incidents, their alerts, timelines and runbook texts (skeleton: implemented by the PostgreSQL store work).</summary>
public sealed class PostgresIncidentStore(NpgsqlDataSource dataSource) : IIncidentStore, IRunbookVersionStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<int> NextNumberAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<RunbookVersionRecord?> FindRunbookVersionAsync(string version, CancellationToken cancellationToken) => throw new NotImplementedException();
}
