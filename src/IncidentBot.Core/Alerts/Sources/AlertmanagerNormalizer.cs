using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Prometheus Alertmanager's webhook notification (payload version 4): one notification per aggregation group,
/// identified by <c>groupKey</c>, holding every alert of the group with its own <c>fingerprint</c>.
/// </summary>
public sealed class AlertmanagerNormalizer : IAlertNormalizer
{
    public string Source => "alertmanager";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        var alerts = RequireArray(body, "alerts", "alerts");
        var commonAnnotations = StringMap(body, "commonAnnotations", "commonAnnotations");
        var externalUrl = OptionalString(body, "externalURL", "externalURL");
        // Older payloads may lack groupKey; the receiver plus the group labels is what Alertmanager hashes anyway.
        var groupKey = OptionalString(body, "groupKey", "groupKey")
            ?? $"{OptionalString(body, "receiver", "receiver")}:{Canonical(StringMap(body, "groupLabels", "groupLabels"))}";

        return alerts.EnumerateArray().Select((element, i) => NormalizeOne(element, $"alerts[{i}]", groupKey, commonAnnotations, externalUrl)).ToList();
    }

    private Alert NormalizeOne(JsonElement element, string path, string groupKey, Dictionary<string, string> commonAnnotations, string? externalUrl)
    {
        RequireObject(element, path);
        var status = RequireFiringOrResolved(element, path);
        if (!element.TryGetProperty("labels", out _))
        {
            throw new AlertPayloadException($"{path}.labels", $"'{path}.labels' is required.");
        }
        var labels = StringMap(element, "labels", $"{path}.labels");
        var annotations = StringMap(element, "annotations", $"{path}.annotations");

        var links = new List<AlertLink>();
        AddWebLink(links, "Source", OptionalString(element, "generatorURL", $"{path}.generatorURL"));
        AddWebLink(links, "Runbook", annotations.GetValueOrDefault("runbook_url"));
        AddWebLink(links, "Dashboard", annotations.GetValueOrDefault("dashboard_url"));
        AddWebLink(links, "Alertmanager", externalUrl);
        AddWebLink(links, "Silence", SilenceUrl(externalUrl, labels));

        return new Alert
        {
            Source = Source,
            Fingerprint = OptionalString(element, "fingerprint", $"{path}.fingerprint") ?? HashOf(labels),
            GroupKey = $"{Source}:{groupKey}",
            Status = status,
            Severity = labels.GetValueOrDefault("severity"),
            Title = FirstNonBlank(annotations.GetValueOrDefault("summary"), labels.GetValueOrDefault("alertname"), commonAnnotations.GetValueOrDefault("summary"))
                ?? "Alert from Alertmanager",
            Description = annotations.GetValueOrDefault("description") ?? annotations.GetValueOrDefault("message"),
            Labels = labels,
            Annotations = annotations,
            Links = links,
            StartsAt = OptionalTime(element, "startsAt", $"{path}.startsAt"),
            EndsAt = OptionalTime(element, "endsAt", $"{path}.endsAt"),
            Raw = element.GetRawText(),
        };
    }

    /// <summary>
    /// Alertmanager's own "new silence" form with this alert's labels filled in, as its UI and its default notification
    /// template build it: <c>{externalURL}/#/silences/new?filter={name="value", …, alertname="…"}</c>, percent-encoded.
    /// Values are quoted the way Alertmanager's matchers read them (backslash before <c>\</c> and <c>"</c>, <c>\n</c>
    /// for a line break). Null when the payload has no web address for its Alertmanager or the alert no labels.
    /// </summary>
    public static string? SilenceUrl(string? externalUrl, IReadOnlyDictionary<string, string> labels)
    {
        if (string.IsNullOrWhiteSpace(externalUrl) || labels.Count == 0)
        {
            return null;
        }
        // Built in one buffer: every alert of a storm gets one, so the matchers are not strings of their own.
        var names = labels.Keys.ToArray();
        Array.Sort(names, AlertnameLast);
        var filter = new StringBuilder("{", 256);
        foreach (var name in names)
        {
            filter.Append(filter.Length > 1 ? ", " : "").Append(name).Append("=\"");
            // Quoted as Alertmanager's matchers read values: a backslash before \ and ", \n for a line break.
            foreach (var c in labels[name])
            {
                switch (c)
                {
                    case '\\' or '"':
                        filter.Append('\\').Append(c);
                        break;
                    case '\n':
                        filter.Append("\\n");
                        break;
                    default:
                        filter.Append(c);
                        break;
                }
            }
            filter.Append('"');
        }
        filter.Append('}');
        return $"{externalUrl.TrimEnd('/')}/#/silences/new?filter={Uri.EscapeDataString(filter.ToString())}";
    }

    /// <summary>Label names in byte order, <c>alertname</c> last, as Alertmanager lists a silence's matchers.</summary>
    private static readonly Comparison<string> AlertnameLast = (a, b) =>
        (a == "alertname").CompareTo(b == "alertname") is var last and not 0 ? last : string.CompareOrdinal(a, b);

    private static string Canonical(Dictionary<string, string> labels) =>
        "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";

    /// <summary>Old Alertmanagers send no fingerprint; a hash of the sorted labels identifies the alert the same way.</summary>
    private static string HashOf(Dictionary<string, string> labels) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(labels))))[..16];
}
