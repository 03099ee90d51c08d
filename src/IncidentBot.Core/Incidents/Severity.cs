using System.Text.Json.Serialization;

namespace IncidentBot.Incidents;

/// <summary>How bad an incident is: SEV1 is the worst.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("SEV1")] Sev1 = 1,
    [JsonStringEnumMemberName("SEV2")] Sev2 = 2,
    [JsonStringEnumMemberName("SEV3")] Sev3 = 3,
    [JsonStringEnumMemberName("SEV4")] Sev4 = 4,
}

/// <summary>Reads and writes severities the way people type them.</summary>
public static class SeverityText
{
    /// <summary>Accepts <c>sev1</c>, <c>SEV1</c>, <c>s1</c> and <c>1</c>.</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        severity = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var t = text.Trim().ToLowerInvariant();
        t = t.StartsWith("sev", StringComparison.Ordinal) ? t[3..] : t.StartsWith('s') ? t[1..] : t;
        if (t.Length == 1 && t[0] is >= '1' and <= '4')
        {
            severity = (Severity)(t[0] - '0');
            return true;
        }
        return false;
    }

    public static string Display(this Severity severity) => $"SEV{(int)severity}";
}
