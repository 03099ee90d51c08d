using System.Text.Json.Nodes;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Reads what Slack sent without trusting its types: a field of the wrong type is simply absent, so a malformed
/// request is ignored or refused instead of throwing where it is read.
/// </summary>
internal static class SlackFields
{
    /// <summary>The named field of an object; null when <paramref name="node"/> is not an object.</summary>
    public static JsonNode? Field(this JsonNode? node, string name) => (node as JsonObject)?[name];

    /// <summary>The node's text; null when it is absent or not a string.</summary>
    public static string? Text(this JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
