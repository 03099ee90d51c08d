using System.Globalization;
using System.Text.Json;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// How a source's raw payload (<see cref="Alerts.Alert.Raw"/>, <see cref="Incidents.IncidentAlert.Raw"/>) is kept in a
/// <c>jsonb</c> column. JSON that PostgreSQL accepts as <c>jsonb</c> is stored as it is (jsonb keeps its meaning, not
/// its spelling: whitespace and key order are normalised, a repeated key keeps its last value). Anything else is
/// stored as one JSON string holding the text, and read back as that same text: a payload that is not JSON, a JSON
/// string (which would otherwise read back without its quotes), or JSON that jsonb refuses (<c>\u0000</c> inside a
/// string, a number beyond PostgreSQL's numeric range). No payload is stored as NULL.
/// </summary>
public static class PostgresRawJson
{
    /// <summary>The jsonb text to store, or null for no payload.</summary>
    public static string? ToJsonb(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        if (IsStorableAsIs(raw))
        {
            return raw;
        }
        // A JSON string value keeps every character except NUL, which PostgreSQL cannot store in any text.
        return JsonSerializer.Serialize(raw.Replace('\0', '\uFFFD'));
    }

    /// <summary>The payload from the stored jsonb text ("" when none was stored).</summary>
    public static string FromJsonb(string? stored) =>
        stored is null ? "" : stored.StartsWith('"') ? JsonSerializer.Deserialize<string>(stored) ?? "" : stored;

    private static bool IsStorableAsIs(string raw)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(raw), new JsonReaderOptions { MaxDepth = 512 });
            var first = true;
            while (reader.Read())
            {
                if (first && reader.TokenType == JsonTokenType.String)
                {
                    return false;
                }
                first = false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String or JsonTokenType.PropertyName when reader.ValueIsEscaped && reader.GetString()!.Contains('\0', StringComparison.Ordinal):
                        return false;
                    case JsonTokenType.Number when !FitsNumeric(reader):
                        return false;
                }
            }
            return !first;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>PostgreSQL's numeric holds up to 131072 digits before the point and 16383 after it.</summary>
    private static bool FitsNumeric(Utf8JsonReader reader)
    {
        var text = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        var e = text.IndexOfAny(['e', 'E']);
        if (e < 0)
        {
            return text.Length < 16000;
        }
        return int.TryParse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
            && Math.Abs(exponent) < 16000 && e < 16000;
    }
}
