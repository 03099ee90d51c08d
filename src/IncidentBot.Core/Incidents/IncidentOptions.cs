namespace IncidentBot.Incidents;

/// <summary>
/// How alerts become incidents. Section <c>Incidents</c>:
/// <code>
/// "Incidents": {
///   "SeverityMap": { "critical": "Sev1", "page": "Sev1" },
///   "DefaultSeverity": "Sev3",
///   "ServiceLabels": [ "service", "job" ],
///   "AutoResolve": false
/// }
/// </code>
/// </summary>
public sealed class IncidentOptions
{
    public const string Section = "Incidents";

    /// <summary>Source severity (case-insensitive) → incident severity. Entries given in configuration are added to these.</summary>
    public Dictionary<string, Severity> SeverityMap { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = Severity.Sev1,
        ["error"] = Severity.Sev2,
        ["high"] = Severity.Sev2,
        ["warning"] = Severity.Sev3,
        ["info"] = Severity.Sev4,
    };

    /// <summary>The severity when an alert has none, or one the map does not know.</summary>
    public Severity DefaultSeverity { get; set; } = Severity.Sev3;

    /// <summary>Labels read, in order, to find an alert's service. Empty means <c>service</c>, then <c>job</c>.</summary>
    public List<string> ServiceLabels { get; set; } = [];

    /// <summary>
    /// When set, alerts carrying this label group by its value across every source (e.g. <c>service</c>: a Grafana,
    /// a PagerDuty and an Alertmanager alert for <c>checkout</c> join one incident). Alerts without it keep their
    /// source's own grouping.
    /// </summary>
    public string? GroupByLabel { get; set; }

    /// <summary>Resolve an incident by itself once every one of its alerts has resolved.</summary>
    public bool AutoResolve { get; set; }

    public Severity MapSeverity(string? sourceSeverity) => TryMapSeverity(sourceSeverity, out var severity) ? severity : DefaultSeverity;

    /// <summary>
    /// False when the alert names a severity that neither <see cref="SeverityMap"/> nor the incident severities
    /// (<c>SEV1</c>, <c>sev2</c>, …) know, e.g. <c>urgent</c>: it then counts as <see cref="DefaultSeverity"/>, and
    /// the incident's timeline says so. No severity at all is the default without a word.
    /// </summary>
    public bool TryMapSeverity(string? sourceSeverity, out Severity severity)
    {
        if (string.IsNullOrWhiteSpace(sourceSeverity))
        {
            severity = DefaultSeverity;
            return true;
        }
        if (SeverityMap.TryGetValue(sourceSeverity.Trim(), out severity) || SeverityText.TryParse(sourceSeverity, out severity))
        {
            return true;
        }
        severity = DefaultSeverity;
        return false;
    }

    public string GroupKeyFor(IncidentBot.Alerts.Alert alert) =>
        !string.IsNullOrWhiteSpace(GroupByLabel) && alert.Labels.TryGetValue(GroupByLabel, out var value) && !string.IsNullOrWhiteSpace(value)
            ? $"{GroupByLabel}:{value}"
            : alert.GroupKey;

    public string? FindService(IReadOnlyDictionary<string, string> labels)
    {
        IEnumerable<string> names = ServiceLabels.Count > 0 ? ServiceLabels : ["service", "job"];
        return names.Select(labels.GetValueOrDefault).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
    }
}
