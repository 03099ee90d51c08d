using System.Text.Json.Nodes;

namespace IncidentBot.Teams.Inbound;

/// <summary>Reads activity fields without trusting their types: a number where text belongs is simply absent.</summary>
internal static class ActivityFields
{
    public static string? Text(this JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
