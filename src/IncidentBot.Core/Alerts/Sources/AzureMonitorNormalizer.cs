using System.Text.Json;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Azure Monitor alerts in the common alert schema (<c>schemaId: azureMonitorCommonAlertSchema</c>; turn it on in the
/// action group's webhook). Identity is <c>data.essentials.alertId</c>, the same when fired and resolved;
/// <c>monitorCondition</c> <c>Resolved</c> resolves. Severity is passed on as Azure gives it (<c>Sev0</c>…<c>Sev4</c>);
/// <c>Incidents:SeverityMap</c> can map those names to incident severities.
/// </summary>
public sealed class AzureMonitorNormalizer : IAlertNormalizer
{
    private const string CommonSchema = "azureMonitorCommonAlertSchema";

    // Essentials that say what fired and where; the rest is kept in Raw.
    private static readonly string[] EssentialLabels =
        ["alertRule", "signalType", "monitoringService", "targetResourceType", "targetResourceGroup", "alertTargetIDs", "configurationItems"];

    public string Source => "azure-monitor";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        var schema = OptionalString(body, "schemaId", "schemaId");
        if (schema != CommonSchema)
        {
            throw new AlertPayloadException("schemaId", $"'schemaId' must be '{CommonSchema}', not '{schema}': enable the common alert schema on the action group.");
        }
        if (!body.TryGetProperty("data", out var data))
        {
            throw new AlertPayloadException("data", "'data' is required.");
        }
        RequireObject(data, "data");
        if (!data.TryGetProperty("essentials", out var essentials))
        {
            throw new AlertPayloadException("data.essentials", "'data.essentials' is required.");
        }
        RequireObject(essentials, "data.essentials");

        var alertId = RequireString(essentials, "alertId", "data.essentials.alertId");
        var condition = RequireString(essentials, "monitorCondition", "data.essentials.monitorCondition");
        var status = condition switch
        {
            "Fired" => AlertStatus.Firing,
            "Resolved" => AlertStatus.Resolved,
            _ => throw new AlertPayloadException("data.essentials.monitorCondition", $"'data.essentials.monitorCondition' must be 'Fired' or 'Resolved', not '{condition}'."),
        };

        // Custom properties first, so an essential of the same name wins.
        var labels = StringMap(data, "customProperties", "data.customProperties");
        foreach (var name in EssentialLabels)
        {
            if (Text(essentials, name, $"data.essentials.{name}") is { Length: > 0 } value)
            {
                labels[name] = value;
            }
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (OptionalString(essentials, "originAlertId", "data.essentials.originAlertId") is { } originAlertId)
        {
            annotations["originAlertId"] = originAlertId;
        }

        return
        [
            new Alert
            {
                Source = Source,
                Fingerprint = alertId,
                GroupKey = $"{Source}:{alertId}",
                Status = status,
                Severity = OptionalString(essentials, "severity", "data.essentials.severity"),
                Title = RequireString(essentials, "alertRule", "data.essentials.alertRule"),
                Description = OptionalString(essentials, "description", "data.essentials.description") is { Length: > 0 } description ? description : null,
                Labels = labels,
                Annotations = annotations,
                StartsAt = OptionalTime(essentials, "firedDateTime", "data.essentials.firedDateTime"),
                EndsAt = OptionalTime(essentials, "resolvedDateTime", "data.essentials.resolvedDateTime"),
                Raw = body.GetRawText(),
            },
        ];
    }

    /// <summary>A string, or an array of strings joined with commas (alert targets, configuration items).</summary>
    private static string? Text(JsonElement parent, string name, string path)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array)
        {
            return string.Join(",", value.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.String
                ? item.GetString()
                : throw new AlertPayloadException($"{path}[{i}]", $"'{path}[{i}]' must be a string.")));
        }
        return OptionalString(parent, name, path);
    }
}
