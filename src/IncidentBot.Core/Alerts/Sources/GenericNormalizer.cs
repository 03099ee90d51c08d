using System.Text.Json;
using static IncidentBot.Alerts.Sources.JsonFields;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// IncidentBot's own small format for anything that can POST JSON: one object, or an array of them, with
/// <c>title</c> (required), <c>dedupKey</c>, <c>status</c> (firing|resolved), <c>severity</c>, <c>description</c>,
/// <c>labels</c> and <c>links</c>. See docs/alert-sources.md.
/// </summary>
public sealed class GenericNormalizer : IAlertNormalizer
{
    public string Source => "generic";

    public IReadOnlyList<Alert> Normalize(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Array)
        {
            if (body.GetArrayLength() == 0)
            {
                throw new AlertPayloadException("$", "The array holds no alerts.");
            }
            return body.EnumerateArray().Select((element, i) => NormalizeOne(element, $"[{i}]")).ToList();
        }
        return [NormalizeOne(body, "$")];
    }

    private Alert NormalizeOne(JsonElement element, string path)
    {
        RequireObject(element, path);
        string Field(string name) => path == "$" ? name : $"{path}.{name}";

        var title = RequireString(element, "title", Field("title"));
        var dedupKey = OptionalString(element, "dedupKey", Field("dedupKey")) ?? title;
        var status = (OptionalString(element, "status", Field("status")) ?? "firing").ToLowerInvariant() switch
        {
            "firing" or "trigger" or "triggered" => AlertStatus.Firing,
            "resolved" or "resolve" or "ok" => AlertStatus.Resolved,
            var other => throw new AlertPayloadException(Field("status"), $"'{Field("status")}' must be 'firing' or 'resolved', not '{other}'."),
        };
        return new Alert
        {
            Source = Source,
            Fingerprint = OptionalString(element, "fingerprint", Field("fingerprint")) ?? dedupKey,
            GroupKey = $"{Source}:{dedupKey}",
            Status = status,
            Severity = OptionalString(element, "severity", Field("severity")),
            Title = title,
            Description = OptionalString(element, "description", Field("description")),
            Labels = StringMap(element, "labels", Field("labels")),
            Links = ReadLinks(element, Field("links")),
            StartsAt = OptionalTime(element, "startsAt", Field("startsAt")),
            EndsAt = OptionalTime(element, "endsAt", Field("endsAt")),
            Raw = element.GetRawText(),
        };
    }

    /// <summary>Links are either plain URL strings or <c>{"title", "url"}</c> objects.</summary>
    private static List<AlertLink> ReadLinks(JsonElement element, string path)
    {
        var links = new List<AlertLink>();
        if (!element.TryGetProperty("links", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return links;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new AlertPayloadException(path, $"'{path}' must be an array.");
        }
        var index = 0;
        foreach (var link in value.EnumerateArray())
        {
            var linkPath = $"{path}[{index++}]";
            var (title, url) = link.ValueKind switch
            {
                JsonValueKind.String => (link.GetString()!, link.GetString()!),
                JsonValueKind.Object => (OptionalString(link, "title", $"{linkPath}.title"), RequireString(link, "url", $"{linkPath}.url")),
                _ => throw new AlertPayloadException(linkPath, $"'{linkPath}' must be a URL or an object with 'url'."),
            };
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new AlertPayloadException(linkPath, $"'{linkPath}' must be an absolute http(s) URL.");
            }
            links.Add(new AlertLink(title ?? url, url));
        }
        return links;
    }
}
