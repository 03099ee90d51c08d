using System.Globalization;
using System.Text.Json;

namespace IncidentBot.Alerts.Sources;

/// <summary>Reads fields out of webhook JSON and fails with the field's path when one is missing or mistyped.</summary>
internal static class JsonFields
{
    public static JsonElement RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AlertPayloadException(path, $"'{path}' must be a JSON object.");
        }
        return element;
    }

    public static JsonElement RequireArray(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new AlertPayloadException(path, $"'{path}' is required.");
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new AlertPayloadException(path, $"'{path}' must be an array.");
        }
        return value;
    }

    public static string RequireString(JsonElement parent, string name, string path)
    {
        var value = OptionalString(parent, name, path);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new AlertPayloadException(path, $"'{path}' is required.");
        }
        return value;
    }

    /// <summary>Null when absent, null or blank: senders send "" for values they do not have.</summary>
    public static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new AlertPayloadException(path, $"'{path}' must be a string."),
        };
    }

    /// <summary>The first candidate that holds text: a label or annotation sent as "" must not become a blank title.</summary>
    public static string? FirstNonBlank(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));

    /// <summary>An alert's own <c>status</c>, as Alertmanager and Grafana send it: <c>firing</c> or <c>resolved</c>.</summary>
    public static AlertStatus RequireFiringOrResolved(JsonElement element, string path) =>
        RequireString(element, "status", $"{path}.status") switch
        {
            "firing" => AlertStatus.Firing,
            "resolved" => AlertStatus.Resolved,
            var other => throw new AlertPayloadException($"{path}.status", $"'{path}.status' must be 'firing' or 'resolved', not '{other}'."),
        };

    /// <summary>
    /// Adds the link when it is an absolute http(s) URL: sources send "" for absent ones, and on Unix a path such
    /// as "/metrics/…" would parse as a file URI; only web links help a responder.
    /// </summary>
    public static void AddWebLink(List<AlertLink> links, string title, string? url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            links.Add(new AlertLink(title, url!));
        }
    }

    /// <summary>Sets the label unless the source left the value out or blank.</summary>
    public static void AddLabel(Dictionary<string, string> labels, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            labels[name] = value;
        }
    }

    /// <summary>A map of string to string; numbers and booleans are kept as their JSON text.</summary>
    public static Dictionary<string, string> StringMap(JsonElement parent, string name, string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return map;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new AlertPayloadException(path, $"'{path}' must be an object of strings.");
        }
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString() ?? "",
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                JsonValueKind.Null => "",
                _ => throw new AlertPayloadException($"{path}.{property.Name}", $"'{path}.{property.Name}' must be a string."),
            };
        }
        return map;
    }

    /// <summary>An ISO-8601 time; Go's zero time (<c>0001-01-01T00:00:00Z</c>) means "not set".</summary>
    public static DateTimeOffset? OptionalTime(JsonElement parent, string name, string path)
    {
        var text = OptionalString(parent, name, path);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new AlertPayloadException(path, $"'{path}' must be an ISO-8601 time, not '{text}'.");
        }
        return time.Year <= 1 ? null : time;
    }
}
