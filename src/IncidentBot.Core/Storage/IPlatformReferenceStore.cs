using System.Text.Json;
using System.Text.Json.Nodes;

namespace IncidentBot.Storage;

/// <summary>
/// Small facts chat adapters must remember across restarts: the channel created for an incident, the message id of
/// an update-in-place message, the service URL of a Teams conversation. Each adapter declares the kinds of facts it
/// keeps in one place, as <see cref="PlatformReference{T}"/> descriptors, and each value is a small record of the
/// adapter's own, which the store keeps as JSON. A fact that belongs to an incident names it, and lasts as long as
/// the incident; a fact about the workspace (the installed team, a tenant's service URL) names none and is kept for
/// good. Deliveries already handled, which only matter for a while, go to <see cref="IDeduplicationStore"/>.
/// </summary>
public interface IPlatformReferenceStore
{
    /// <summary>
    /// The value stored for <paramref name="key"/> of this kind, or null. A key that cannot be stored (see
    /// <see cref="PlatformReference.IsStorableKey"/>) is never found.
    /// </summary>
    ValueTask<T?> FindAsync<T>(PlatformReference<T> reference, string key, CancellationToken cancellationToken = default)
        where T : class;

    /// <summary>
    /// Stores the value under the key, replacing any earlier one (and the incident it belonged to); once this returns
    /// it survives a restart. <paramref name="incidentNumber"/>, when given, is an incident already stored. Text in the
    /// value is kept as it is, except U+0000 and unpaired surrogates, which no store can keep: they come back as
    /// U+FFFD (<see cref="StorableText.Clean"/>). A key that cannot be stored throws <see cref="ArgumentException"/>.
    /// </summary>
    ValueTask SaveAsync<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, CancellationToken cancellationToken = default)
        where T : class;

    /// <summary>
    /// Stores the value unless the key exists; true for exactly one of any number of concurrent callers (the first
    /// time a step was done). An existing value is left as it is.
    /// </summary>
    ValueTask<bool> TryAddAsync<T>(PlatformReference<T> reference, string key, T value, int? incidentNumber, CancellationToken cancellationToken = default)
        where T : class;
}

/// <summary>What every <see cref="PlatformReference{T}"/> shares: where it is stored and the limits of its names.</summary>
public abstract class PlatformReference
{
    /// <summary>
    /// The longest key a reference may have, in UTF-16 characters: well above any id Slack or Teams hands out, and short
    /// enough for an index entry in both stores whatever the characters.
    /// </summary>
    public const int MaxKeyLength = 256;

    /// <summary>The longest platform or kind name.</summary>
    public const int MaxNameLength = 40;

    private protected PlatformReference(string platform, string kind)
    {
        Platform = ValidName(platform, nameof(platform));
        Kind = ValidName(kind, nameof(kind));
    }

    /// <summary>The adapter that owns the facts: <c>slack</c>, <c>teams</c>.</summary>
    public string Platform { get; }

    /// <summary>What the facts are, unique within the platform: <c>channel</c>, <c>update-message</c>.</summary>
    public string Kind { get; }

    /// <summary>
    /// True when a store can keep <paramref name="key"/>: at most <see cref="MaxKeyLength"/> characters of
    /// <see cref="StorableText"/> (the empty key is the one fact of its kind for the whole installation).
    /// </summary>
    public static bool IsStorableKey(string key) => key.Length <= MaxKeyLength && StorableText.IsStorable(key);

    /// <summary>Throws <see cref="ArgumentException"/> unless <see cref="IsStorableKey"/>.</summary>
    public static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyLength, nameof(key));
        if (!StorableText.IsStorable(key))
        {
            throw new ArgumentException("A reference key may not contain U+0000 or an unpaired surrogate.", nameof(key));
        }
    }

    /// <summary>
    /// The value as JSON the way every store keeps it: serialised with the store's <paramref name="options"/>, each
    /// string made <see cref="StorableText"/>.
    /// </summary>
    public static string ToJson<T>(T value, JsonSerializerOptions options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        var node = JsonSerializer.SerializeToNode(value, options) ?? throw new ArgumentException("The value serialises to null.", nameof(value));
        return Storable(node).ToJsonString(options);
    }

    private static JsonNode Storable(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is not null && Storable(child) is var clean && clean != child)
                    {
                        obj[name] = clean;
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child && Storable(child) is var clean && clean != child)
                    {
                        array[i] = clean;
                    }
                }
                return array;
            default:
                return node.GetValueKind() == JsonValueKind.String && node.GetValue<string>() is var text && !StorableText.IsStorable(text)
                    ? JsonValue.Create(StorableText.Clean(text))
                    : node;
        }
    }

    public override string ToString() => $"{Platform}:{Kind}";

    // Lower-case letters, digits and dashes: the names appear in keys and logs, and never contain the ':' that
    // separates them.
    private static string ValidName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (name.Length > MaxNameLength || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"'{name}' is not a reference name: at most {MaxNameLength} lower-case letters, digits and dashes.", parameter);
        }
        return name;
    }
}

/// <summary>
/// One kind of fact an adapter remembers, and the record type of its values, declared once by the adapter
/// (SlackReferences, TeamsReferences): <c>new PlatformReference&lt;SlackIncidentChannel&gt;("slack", "channel")</c>.
/// </summary>
public sealed class PlatformReference<T>(string platform, string kind) : PlatformReference(platform, kind)
    where T : class;
