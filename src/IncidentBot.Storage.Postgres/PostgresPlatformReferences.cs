using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Adapters' references (skeleton).</summary>
public sealed class PostgresPlatformReferences(NpgsqlDataSource dataSource) : IPlatformReferenceStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask<string?> FindReferenceAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask SaveReferenceAsync(string key, string value, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<bool> TryAddReferenceAsync(string key, string value, CancellationToken cancellationToken) => throw new NotImplementedException();
}
