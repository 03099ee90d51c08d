using IncidentBot.Access;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>API tokens in <c>api_tokens</c> (migration 0006): one row per name, the token's SHA-256 hex unique.</summary>
public sealed class PostgresApiTokens(NpgsqlDataSource dataSource) : IApiTokenStore
{
    private const string Columns = "name, role, token_hash, created_at, created_by, last_used_at, revoked_at";

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public async ValueTask<bool> TryAddAsync(ApiToken token, CancellationToken cancellationToken)
    {
        // Of concurrent inserts of one name, the first inserts; the others wait for it to commit, then do nothing.
        await using var command = _dataSource.CreateCommand(
            $"INSERT INTO api_tokens ({Columns}) VALUES ($1, $2, $3, $4, $5, NULL, NULL) ON CONFLICT (name) DO NOTHING");
        command.Parameters.Add(Text(token.Name));
        command.Parameters.Add(Text(ApiTokens.RoleName(token.Role)));
        command.Parameters.Add(Text(token.Hash));
        command.Parameters.Add(Instant(token.CreatedAt));
        command.Parameters.Add(Text(StorableText.Clean(token.CreatedBy)));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<ApiToken?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM api_tokens WHERE token_hash = $1");
        command.Parameters.Add(Text(hash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async ValueTask<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM api_tokens ORDER BY name COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<ApiToken>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(Read(reader));
        }
        return tokens;
    }

    public async ValueTask<bool> RevokeAsync(string name, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE name = $1");
        command.Parameters.Add(Text(name));
        command.Parameters.Add(Instant(at));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask RecordUseAsync(string name, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE api_tokens SET last_used_at = $2 WHERE name = $1 AND (last_used_at IS NULL OR last_used_at < $2)");
        command.Parameters.Add(Text(name));
        command.Parameters.Add(Instant(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ApiToken Read(NpgsqlDataReader reader)
    {
        ApiTokens.TryParseRole(reader.GetString(1), out var role);
        return new ApiToken(reader.GetString(0), role, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4))
        {
            LastUsedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            RevokedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        };
    }

    private static NpgsqlParameter Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value };

    private static NpgsqlParameter Instant(DateTimeOffset value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value.ToUniversalTime() };
}
