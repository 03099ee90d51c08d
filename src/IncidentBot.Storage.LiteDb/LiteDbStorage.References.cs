using System.Text.Json;
using System.Text.Json.Serialization;
using LiteDB;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The adapters' references, one document each in <c>platformReferences</c>: <c>_id</c> is
/// <c>platform:kind:key</c> (neither name contains ':'), beside <c>platform</c>, <c>kind</c>, <c>key</c>, the
/// <c>incident</c> it belongs to (when it does), the value as JSON text in <c>value</c>, and <c>at</c> (UTC ticks of
/// the last write). Incidents are never deleted from a LiteDB file, so neither are references.
/// </summary>
public sealed partial class LiteDbStorage : IPlatformReferenceStore
{
    internal const string ReferencesCollection = "platformReferences";

    /// <summary>The JSON the PostgreSQL store writes too (Web defaults, camelCase enums, nulls left out).</summary>
    internal static readonly JsonSerializerOptions ReferenceJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    internal static string ReferenceId(string platform, string kind, string key) => $"{platform}:{kind}:{key}";

    public T? FindReference<T>(PlatformReference<T> reference, string key)
        where T : class
    {
        if (!PlatformReference.IsStorableKey(key))
        {
            return null;
        }
        return _references.FindById(ReferenceId(reference.Platform, reference.Kind, key)) is { } document
            ? JsonSerializer.Deserialize<T>(document["value"].AsString, ReferenceJson)
            : null;
    }

    public void SaveReference<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber)
        where T : class
    {
        var document = ReferenceDocument(reference, key, value, incidentNumber);
        InTransaction(() => _references.Upsert(document));
    }

    public bool TryAddReference<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber)
        where T : class
    {
        var document = ReferenceDocument(reference, key, value, incidentNumber);
        var added = false;
        // One transaction under the write lock: of two callers adding the same key together, exactly one adds it.
        InTransaction(() =>
        {
            if (_references.FindById(document["_id"]) is null)
            {
                _references.Insert(document);
                added = true;
            }
        });
        return added;
    }

    internal static BsonDocument ReferenceDocument(string platform, string kind, string key, int? incidentNumber, string json)
    {
        var document = new BsonDocument
        {
            ["_id"] = ReferenceId(platform, kind, key),
            ["platform"] = platform,
            ["kind"] = kind,
            ["key"] = key,
            ["value"] = json,
            ["at"] = DateTime.UtcNow.Ticks,
        };
        if (incidentNumber is { } number)
        {
            document["incident"] = number;
        }
        return document;
    }

    private static BsonDocument ReferenceDocument<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber)
        where T : class
    {
        PlatformReference.CheckKey(key);
        return ReferenceDocument(reference.Platform, reference.Kind, key, incidentNumber, PlatformReference.ToJson(value, ReferenceJson));
    }

    ValueTask<T?> IPlatformReferenceStore.FindAsync<T>(PlatformReference<T> reference, string key, CancellationToken cancellationToken)
        where T : class => Run(() => FindReference(reference, key), cancellationToken);

    ValueTask IPlatformReferenceStore.SaveAsync<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, CancellationToken cancellationToken)
        where T : class => Run(() => SaveReference(reference, key, value, incidentNumber), cancellationToken);

    ValueTask<bool> IPlatformReferenceStore.TryAddAsync<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, CancellationToken cancellationToken)
        where T : class => Run(() => TryAddReference(reference, key, value, incidentNumber), cancellationToken);
}
