using System.Text.Json;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Grafana unified alerting's webhook contact point (<c>version: "1"</c>): Alertmanager's shape plus Grafana's
/// <c>silenceURL</c>, <c>dashboardURL</c> and <c>panelURL</c>. One notification per group (<c>groupKey</c>), each
/// alert with its own <c>fingerprint</c> and <c>status</c>; severity is the <c>severity</c> label, unmapped.
/// </summary>
public sealed class GrafanaNormalizer : IAlertNormalizer
{
    public string Source => "grafana";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        var alerts = RequireArray(body, "alerts", "alerts");
        var groupKey = RequireString(body, "groupKey", "groupKey");

        return alerts.EnumerateArray().Select((element, i) => NormalizeOne(element, $"alerts[{i}]", groupKey)).ToList();
    }

    private Alert NormalizeOne(JsonElement element, string path, string groupKey)
    {
        RequireObject(element, path);
        // The group's own status is "firing" while any alert fires, so only the alert's status says it resolved.
        var status = RequireFiringOrResolved(element, path);
        var labels = StringMap(element, "labels", $"{path}.labels");
        var annotations = StringMap(element, "annotations", $"{path}.annotations");

        var links = new List<AlertLink>();
        AddWebLink(links, "Source", OptionalString(element, "generatorURL", $"{path}.generatorURL"));
        AddWebLink(links, "Runbook", annotations.GetValueOrDefault("runbook_url"));
        AddWebLink(links, "Dashboard", OptionalString(element, "dashboardURL", $"{path}.dashboardURL"));
        AddWebLink(links, "Panel", OptionalString(element, "panelURL", $"{path}.panelURL"));
        AddWebLink(links, "Silence", OptionalString(element, "silenceURL", $"{path}.silenceURL"));

        return new Alert
        {
            Source = Source,
            Fingerprint = RequireString(element, "fingerprint", $"{path}.fingerprint"),
            GroupKey = $"{Source}:{groupKey}",
            Status = status,
            Severity = labels.GetValueOrDefault("severity"),
            Title = FirstNonBlank(annotations.GetValueOrDefault("summary"), labels.GetValueOrDefault("alertname")) ?? "Alert from Grafana",
            Description = annotations.GetValueOrDefault("description"),
            Labels = labels,
            Annotations = annotations,
            Links = links,
            StartsAt = OptionalTime(element, "startsAt", $"{path}.startsAt"),
            EndsAt = OptionalTime(element, "endsAt", $"{path}.endsAt"),
            Raw = element.GetRawText(),
        };
    }

}
