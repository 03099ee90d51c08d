using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Reviews and their versions (skeleton).</summary>
public sealed class PostgresRcaStore(NpgsqlDataSource dataSource) : IRcaStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask<RcaDocument?> FindRcaAsync(int incidentNumber, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<RcaDocument?> SaveRcaVersionAsync(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, int historyBytes, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask SaveRcaAsync(RcaDocument document, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<RcaDocument>> RcasAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
