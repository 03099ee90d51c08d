using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The adapters' references in <c>platform_references</c>: one row per (platform, kind, key), the value as
/// <c>jsonb</c> written and read with <see cref="PostgresJson"/>, and the incident it belongs to (the row goes when
/// the incident does).
/// </summary>
public sealed class PostgresPlatformReferences(NpgsqlDataSource dataSource) : IPlatformReferenceStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public async ValueTask<T?> FindAsync<T>(PlatformReference<T> reference, string key, CancellationToken cancellationToken)
        where T : class
    {
        if (!PlatformReference.IsStorableKey(key))
        {
            return null;
        }
        await using var command = _dataSource.CreateCommand("SELECT value::text FROM platform_references WHERE platform = $1 AND kind = $2 AND key = $3");
        AddName(command, reference, key);
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? PostgresJson.Read<T>(json) : null;
    }

    public async ValueTask SaveAsync<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = Write(reference, key, value, incidentNumber, """
            INSERT INTO platform_references (platform, kind, key, value, incident_number) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (platform, kind, key) DO UPDATE
            SET value = EXCLUDED.value, incident_number = EXCLUDED.incident_number, updated_at = now()
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<bool> TryAddAsync<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, CancellationToken cancellationToken)
        where T : class
    {
        // Of concurrent inserts of one key, the first inserts; the others wait for it to commit, then do nothing.
        await using var command = Write(reference, key, value, incidentNumber, """
            INSERT INTO platform_references (platform, kind, key, value, incident_number) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (platform, kind, key) DO NOTHING
            """);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private NpgsqlCommand Write<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, string sql)
        where T : class
    {
        PlatformReference.CheckKey(key);
        var json = PlatformReference.ToJson(value, PostgresJson.Options);
        var command = _dataSource.CreateCommand(sql);
        AddName(command, reference, key);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = incidentNumber is { } number ? number : DBNull.Value });
        return command;
    }

    private static void AddName(NpgsqlCommand command, PlatformReference reference, string key)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = reference.Platform });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = reference.Kind });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = key });
    }
}
