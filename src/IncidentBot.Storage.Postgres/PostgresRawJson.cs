using System.Buffers;
using System.Globalization;
using System.Text;
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

    /// <remarks>
    /// Runs for every alert stored, so it reads the payload from a pooled buffer and looks at numbers and escaped
    /// strings in place, making a string of one only when its escapes may hide what jsonb refuses.
    /// </remarks>
    private static bool IsStorableAsIs(string raw)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(raw.Length));
        try
        {
            var reader = new Utf8JsonReader(utf8.AsSpan(0, Encoding.UTF8.GetBytes(raw, utf8)), new JsonReaderOptions { MaxDepth = 512 });
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
                    case JsonTokenType.String or JsonTokenType.PropertyName when reader.ValueIsEscaped && MayHoldUnstorable(reader.ValueSpan) && reader.GetString()!.Contains('\0', StringComparison.Ordinal):
                        return false;
                    case JsonTokenType.Number when !FitsNumeric(reader.ValueSpan):
                        return false;
                }
            }
            return !first;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>
    /// Whether an escaped value may hold what jsonb refuses: NUL, which JSON writes only as <c>\u0000</c>, or half a
    /// surrogate pair, only as <c>\uD800</c>–<c>\uDFFF</c>. Only such a value is made into a string to be sure.
    /// </summary>
    private static bool MayHoldUnstorable(ReadOnlySpan<byte> escaped)
    {
        for (var at = escaped.IndexOf("\\u"u8); at >= 0 && at + 3 < escaped.Length;)
        {
            var hex = escaped[(at + 2)..];
            var nul = hex.StartsWith("0000"u8);
            var surrogate = (hex[0] is (byte)'d' or (byte)'D') && (hex[1] is (byte)'8' or (byte)'9' or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'));
            if (nul || surrogate)
            {
                return true;
            }
            var next = hex.IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }
        return false;
    }

    /// <summary>PostgreSQL's numeric holds up to 131072 digits before the point and 16383 after it.</summary>
    private static bool FitsNumeric(ReadOnlySpan<byte> number)
    {
        var e = number.IndexOfAny((byte)'e', (byte)'E');
        if (e < 0)
        {
            return number.Length < 16000;
        }
        return int.TryParse(number[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
            && exponent is > -16000 and < 16000 && e < 16000;
    }
}
