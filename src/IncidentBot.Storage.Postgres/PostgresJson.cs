using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// How values kept in <c>jsonb</c> columns are written and read (labels, links, runbook steps, inbox alerts, drill
/// reports): camelCase names, enums as camelCase strings, nulls left out. Every store and <c>storage copy</c> use
/// these options, so a row written by one is read by the other.
/// </summary>
public static class PostgresJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null where a {typeof(T).Name} was stored");
}
