using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Datadog's Webhooks integration: the default payload (<c>title</c>, <c>body</c>, <c>date</c>, <c>id</c>,
/// <c>event_type</c>, <c>last_updated</c>, <c>org</c>) or, better, a custom payload that adds what identifies an alert:
/// <code>
/// { "title": "$EVENT_TITLE", "body": "$EVENT_MSG", "date": "$DATE", "id": "$ID", "event_type": "$EVENT_TYPE",
///   "alert_transition": "$ALERT_TRANSITION", "alert_cycle_key": "$ALERT_CYCLE_KEY", "aggreg_key": "$AGGREG_KEY",
///   "alert_id": "$ALERT_ID", "priority": "$ALERT_PRIORITY", "alert_type": "$ALERT_TYPE", "tags": "$TAGS", "link": "$LINK" }
/// </code>
/// Identity: <c>alert_cycle_key</c>, else <c>aggreg_key</c>, else <c>alert_id</c>, else the title without its
/// <c>[Triggered]</c>/<c>[Recovered]</c> prefix. Resolved when <c>alert_transition</c> is <c>Recovered</c>, else when the
/// title starts <c>[Recovered]</c>. Severity: <c>priority</c> (P1…P5), else <c>alert_type</c> (error, warning, info).
/// <c>tags</c> (<c>key:value, bare</c>) become labels. A value still reading <c>$VARIABLE</c> counts as absent.
/// </summary>
public sealed class DatadogNormalizer : IAlertNormalizer
{
    private static readonly Regex Unexpanded = new(@"^\$[A-Z][A-Z0-9_]*$", RegexOptions.CultureInvariant);

    // "[P1] [Triggered on {host:web-1}] Host is down": priority, transition, and the scope that tells groups apart.
    private static readonly Regex TitlePrefix = new(
        @"^(?:\[P\d\]\s*)?\[(?<transition>(?:Re-)?(?:Triggered|Warn|No Data)|Recovered|Renotify)(?: on (?<scope>\{[^}]*\}))?\]\s*",
        RegexOptions.CultureInvariant);

    public string Source => "datadog";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        RequireObject(body, "$");
        var fullTitle = RequireString(body, "title", "title");
        if (Unexpanded.IsMatch(fullTitle))
        {
            throw new AlertPayloadException("title", $"'title' is the template variable '{fullTitle}', not a title: Datadog fills it in when a monitor notifies.");
        }
        var prefix = TitlePrefix.Match(fullTitle);
        var title = prefix.Success ? fullTitle[prefix.Length..] : fullTitle;
        if (prefix.Groups["scope"].Success)
        {
            title = $"{title} on {prefix.Groups["scope"].Value}";
        }

        var transition = Value(body, "alert_transition");
        var status = (transition ?? (prefix.Success ? prefix.Groups["transition"].Value : null)) == "Recovered"
            ? AlertStatus.Resolved
            : AlertStatus.Firing;
        var identity = Value(body, "alert_cycle_key") ?? Value(body, "aggreg_key") ?? Value(body, "alert_id") ?? title;
        var date = Date(body);

        var labels = Tags(Value(body, "tags"));
        AddIfSet(labels, "event_type", Value(body, "event_type"));
        if (body.TryGetProperty("org", out var org) && org.ValueKind == JsonValueKind.Object)
        {
            AddIfSet(labels, "org", Value(org, "name", "org.name"));
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, key) in new[] { ("id", "event_id"), ("alert_id", "alert_id"), ("alert_cycle_key", "alert_cycle_key"), ("aggreg_key", "aggreg_key"), ("alert_transition", "alert_transition") })
        {
            AddIfSet(annotations, key, Value(body, name));
        }
        var link = Value(body, "link");
        var links = Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? new List<AlertLink> { new("Datadog", link!) }
            : [];

        return
        [
            new Alert
            {
                Source = Source,
                Fingerprint = identity,
                GroupKey = $"{Source}:{identity}",
                Status = status,
                Severity = Value(body, "priority") ?? Value(body, "alert_type"),
                Title = title,
                Description = Value(body, "body"),
                Labels = labels,
                Annotations = annotations,
                Links = links,
                StartsAt = status == AlertStatus.Firing ? date : null,
                EndsAt = status == AlertStatus.Resolved ? date : null,
                Raw = body.GetRawText(),
            },
        ];
    }

    private static string? Value(JsonElement parent, string name, string? path = null)
    {
        var value = OptionalString(parent, name, path ?? name);
        return string.IsNullOrWhiteSpace(value) || Unexpanded.IsMatch(value) ? null : value.Trim();
    }

    /// <summary><c>$DATE</c> is epoch milliseconds.</summary>
    private static DateTimeOffset? Date(JsonElement body)
    {
        var text = Value(body, "date");
        if (text is null)
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : throw new AlertPayloadException("date", $"'date' must be epoch milliseconds ($DATE), not '{text}'.");
    }

    /// <summary><c>$TAGS</c> reads "monitor, service:web, role:db": <c>key:value</c> becomes a label, a bare tag a label with no value.</summary>
    private static Dictionary<string, string> Tags(string? tags)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in (tags ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = tag.IndexOf(':');
            labels.TryAdd(colon < 0 ? tag : tag[..colon], colon < 0 ? "" : tag[(colon + 1)..]);
        }
        return labels;
    }

    private static void AddIfSet(Dictionary<string, string> map, string key, string? value)
    {
        if (value is not null)
        {
            map[key] = value;
        }
    }
}
