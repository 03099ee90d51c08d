using IncidentBot.Storage;
using System.Security.Cryptography;
using System.Text;
using IncidentBot.Alerts.Sources;
using IncidentBot.Chat;
using IncidentBot.Inbound;

namespace IncidentBot.Alerts;

/// <summary>
/// Holds normalised alerts to <see cref="InputLimits"/> before they are stored: descriptive text is cut with "…"
/// (the alert's raw JSON keeps every word), keys over their limit are replaced by their hash, and labels or links
/// over theirs are refused with the field named.
/// </summary>
public static class AlertLimits
{
    /// <summary>The alerts within the limits; <see cref="AlertPayloadException"/> for the first that cannot be.</summary>
    /// <remarks>
    /// What is already within the limits is kept as it is, not copied: in a storm nearly every alert is, and copying
    /// each one's annotations and links cost more than the checks.
    /// </remarks>
    public static IReadOnlyList<Alert> Apply(IReadOnlyList<Alert> alerts, InputLimits limits) =>
        alerts.Select((alert, i) => Apply(alert, limits, new AlertPath(i, alerts.Count))).ToList();

    /// <summary>Where an alert is in its payload, for a refusal: <c>$</c> when it is the only one.</summary>
    private readonly record struct AlertPath(int Index, int Count)
    {
        public override string ToString() => Count == 1 ? "$" : $"alerts[{Index}]";
    }

    private static Alert Apply(Alert alert, InputLimits limits, AlertPath path)
    {
        CheckMap(alert.Labels, limits, path, "labels", cutValues: false);
        CheckMap(alert.Annotations, limits, path, "annotations", cutValues: true);
        if (alert.Links.Count > limits.LinkCount)
        {
            throw TooLarge($"{path}.links", $"the alert has {alert.Links.Count} links; at most {limits.LinkCount} (Limits:LinkCount) are accepted.");
        }
        for (var i = 0; i < alert.Links.Count; i++)
        {
            if (alert.Links[i].Url.Length > limits.LinkUrlChars)
            {
                throw TooLarge($"{path}.links[{i}]", $"the link is {alert.Links[i].Url.Length} characters; at most {limits.LinkUrlChars} (Limits:LinkUrlChars) are accepted.");
            }
        }
        return new Alert
        {
            Source = alert.Source,
            Fingerprint = Key(Storable(alert.Fingerprint), limits),
            GroupKey = alert.GroupKey.Length > limits.AlertKeyChars ? $"{alert.Source}:{Key(Storable(alert.GroupKey), limits)}" : Storable(alert.GroupKey),
            Status = alert.Status,
            Severity = alert.Severity is { } severity ? ChatText.Shorten(Storable(severity), 100) : null,
            Title = ChatText.Shorten(Storable(alert.Title), limits.AlertTitleChars),
            Description = alert.Description is { } description ? ChatText.Shorten(Storable(description), limits.AlertDescriptionChars) : null,
            Labels = Storable(alert.Labels),
            Annotations = Shortened(Storable(alert.Annotations), limits.LabelValueChars),
            Links = Storable(alert.Links, limits),
            StartsAt = alert.StartsAt,
            EndsAt = alert.EndsAt,
            Raw = alert.Raw,
        };
    }

    /// <summary>Values over <paramref name="maxChars"/> cut with "…"; the map itself when none is.</summary>
    private static Dictionary<string, string> Shortened(Dictionary<string, string> map, int maxChars) =>
        map.Values.All(v => v.Length <= maxChars)
            ? map
            : map.ToDictionary(a => a.Key, a => ChatText.Shorten(a.Value, maxChars), StringComparer.Ordinal);

    /// <summary>Titles cut and text made storable; the list itself when every link already is.</summary>
    private static List<AlertLink> Storable(List<AlertLink> links, InputLimits limits) =>
        links.All(l => l.Title.Length <= limits.AlertTitleChars && StorableText.IsStorable(l.Title) && StorableText.IsStorable(l.Url))
            ? links
            : links.Select(l => new AlertLink(ChatText.Shorten(Storable(l.Title), limits.AlertTitleChars), Storable(l.Url))).ToList();

    /// <summary>
    /// Text every store can keep: U+0000 and half surrogate pairs (which JSON can carry as <c>\u0000</c>, <c>\ud800</c>)
    /// become U+FFFD, so an alert carrying them is stored, not refused by PostgreSQL over and over.
    /// </summary>
    private static string Storable(string text) => StorableText.Clean(text);

    private static Dictionary<string, string> Storable(Dictionary<string, string> map) =>
        map.Keys.All(StorableText.IsStorable) && map.Values.All(StorableText.IsStorable)
            ? map
            : map.GroupBy(p => Storable(p.Key), StringComparer.Ordinal).ToDictionary(g => g.Key, g => Storable(g.Last().Value), StringComparer.Ordinal);

    /// <summary>
    /// A key over the limit stands for itself by its SHA-256: a cut would merge two alerts that differ only at the
    /// end, and a source that keys by title (generic without <c>dedupKey</c>) must not be refused for a long title.
    /// </summary>
    private static string Key(string key, InputLimits limits) =>
        key.Length <= limits.AlertKeyChars ? key : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Checks a map's size and names (and, unless they may be cut, its values). Messages are built only for a refusal.</summary>
    private static void CheckMap(Dictionary<string, string> map, InputLimits limits, AlertPath path, string name, bool cutValues)
    {
        if (map.Count > limits.LabelCount)
        {
            throw TooLarge($"{path}.{name}", $"the alert has {map.Count} {name}; at most {limits.LabelCount} (Limits:LabelCount) are accepted.");
        }
        foreach (var (key, value) in map)
        {
            if (key.Length > limits.LabelKeyChars)
            {
                var shownKey = ChatText.Shorten(key, 40);
                throw TooLarge($"{path}.{name}.{shownKey}", $"the name '{shownKey}' is {key.Length} characters; at most {limits.LabelKeyChars} (Limits:LabelKeyChars) are accepted.");
            }
            if (!cutValues && value.Length > limits.LabelValueChars)
            {
                throw TooLarge($"{path}.{name}.{key}", $"the value of '{key}' is {value.Length} characters; at most {limits.LabelValueChars} (Limits:LabelValueChars) are accepted.");
            }
        }
    }

    private static AlertPayloadException TooLarge(string field, string message) => new(field, $"'{field}' is too large: {message}");
}
