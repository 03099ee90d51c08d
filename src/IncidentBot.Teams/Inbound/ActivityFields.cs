using System.Text.Json.Nodes;

namespace IncidentBot.Teams.Inbound;

/// <summary>Reads activity fields without trusting their types: a number where text belongs is simply absent.</summary>
internal static class ActivityFields
{
    /// <summary>The named field of an object; null when <paramref name="node"/> is not an object.</summary>
    public static JsonNode? Field(this JsonNode? node, string name) => (node as JsonObject)?[name];

    public static string? Text(this JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>As <see cref="Text"/>, with blank text counted as absent.</summary>
    public static string? NonBlankText(this JsonNode? node) => node.Text() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;
}
