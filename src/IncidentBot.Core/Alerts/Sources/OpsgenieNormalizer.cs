using System.Text.Json;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Opsgenie's outgoing webhook: one <c>action</c> on one <c>alert</c>, identified by its <c>alias</c> (Opsgenie's
/// dedup key). <c>Create</c>, <c>Acknowledge</c> and <c>UnAcknowledge</c> are firing, <c>Close</c> is resolved, and
/// any other action (notes, ownership, escalation, …) yields nothing. Severity is mapped from <c>priority</c>:
/// P1 → critical, P2 → high, P3 → warning, P4 and P5 → info.
/// </summary>
public sealed class OpsgenieNormalizer : IAlertNormalizer
{
    public string Source => "opsgenie";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        // An acknowledgement is not a resolve: reporting it as firing attaches it to the incident idempotently.
        AlertStatus? status = RequireString(body, "action", "action") switch
        {
            "Create" or "Acknowledge" or "UnAcknowledge" => AlertStatus.Firing,
            "Close" => AlertStatus.Resolved,
            _ => null,
        };
        if (status is null)
        {
            return [];
        }

        var alert = RequireObject(body.TryGetProperty("alert", out var a) ? a : default, "alert");
        // Opsgenie gives every alert an alias (its alertId when the sender set none), so both fall back the same way.
        var alias = OptionalString(alert, "alias", "alert.alias") ?? RequireString(alert, "alertId", "alert.alertId");
        var priority = OptionalString(alert, "priority", "alert.priority");

        var labels = Tags(alert);
        AddLabel(labels, "entity", OptionalString(alert, "entity", "alert.entity"));
        AddLabel(labels, "source", OptionalString(alert, "source", "alert.source"));
        AddLabel(labels, "priority", priority);

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        AddLabel(annotations, "alertId", OptionalString(alert, "alertId", "alert.alertId"));
        AddLabel(annotations, "tinyId", OptionalString(alert, "tinyId", "alert.tinyId"));

        return
        [
            new Alert
            {
                Source = Source,
                Fingerprint = alias,
                GroupKey = $"{Source}:{alias}",
                Status = status.Value,
                Severity = Severity(priority),
                Title = RequireString(alert, "message", "alert.message").Trim(),
                Description = OptionalString(alert, "description", "alert.description"),
                Labels = labels,
                Annotations = annotations,
                StartsAt = EpochMilliseconds(alert, "createdAt", divisor: 1),
                // updatedAt is in nanoseconds (beyond a double's precision); on Close it is when the alert closed.
                EndsAt = status == AlertStatus.Resolved ? EpochMilliseconds(alert, "updatedAt", divisor: 1_000_000) : null,
                Raw = body.GetRawText(),
            },
        ];
    }

    /// <summary>Opsgenie priorities are "P1".."P5" (some payloads send just the digit).</summary>
    private static string? Severity(string? priority) => priority?.TrimStart('P', 'p') switch
    {
        null => null,
        "1" => "critical",
        "2" => "high",
        "3" => "warning",
        "4" or "5" => "info",
        _ => priority,
    };

    /// <summary>Tags become labels: <c>key:value</c> splits, a plain tag is a label set to <c>true</c>.</summary>
    private static Dictionary<string, string> Tags(JsonElement alert)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!alert.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
        {
            return labels;
        }
        if (tags.ValueKind != JsonValueKind.Array || tags.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            throw new AlertPayloadException("alert.tags", "'alert.tags' must be an array of strings.");
        }
        foreach (var tag in tags.EnumerateArray().Select(t => t.GetString()!.Trim()).Where(t => t.Length > 0))
        {
            var colon = tag.IndexOf(':');
            labels[colon > 0 ? tag[..colon] : tag] = colon > 0 ? tag[(colon + 1)..] : "true";
        }
        return labels;
    }

    private static DateTimeOffset? EpochMilliseconds(JsonElement alert, string name, long divisor)
    {
        if (!alert.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number / divisor is < 0 or > 253_402_300_799_999)
        {
            throw new AlertPayloadException($"alert.{name}", $"'alert.{name}' must be a Unix time as an integer.");
        }
        return DateTimeOffset.FromUnixTimeMilliseconds(number / divisor);
    }
}
