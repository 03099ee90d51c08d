using System.Text;
using System.Text.RegularExpressions;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// What PostgreSQL cannot store, made storable: <c>text</c> holds no NUL character, UTF-8 has no unpaired surrogates,
/// and <c>jsonb</c> refuses the escapes <c>\u0000</c> and an escaped half of a surrogate pair. Each becomes U+FFFD (the
/// replacement character), the way a decoder shows what it could not read. Both methods return the very same string
/// when there is nothing to repair, so callers can tell by reference.
/// </summary>
internal static partial class TextRepair
{
    public static string Repair(string text)
    {
        var bad = FirstBad(text, 0);
        if (bad < 0)
        {
            return text;
        }
        var repaired = new StringBuilder(text.Length);
        var start = 0;
        for (; bad >= 0; bad = FirstBad(text, start))
        {
            repaired.Append(text, start, bad - start).Append('\uFFFD');
            start = bad + 1;
        }
        return repaired.Append(text, start, text.Length - start).ToString();
    }

    public static string RepairJson(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }
        var repaired = UnstorableEscape().Replace(json, match => match.Groups["backslashes"].Value + "\\ufffd");
        return repaired == json ? json : repaired;
    }

    private static int FirstBad(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0'
                || (char.IsHighSurrogate(c) && (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])))
                || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]))))
            {
                return i;
            }
        }
        return -1;
    }

    // An escape (a backslash preceded by an even number of backslashes) of NUL, of a high surrogate not followed by an
    // escaped low one, or of a low surrogate not preceded by an escaped high one.
    [GeneratedRegex("""
        (?<backslashes>(?<!\\)(?:\\\\)*)\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u)[dD][c-fC-F][0-9a-fA-F]{2})
        """, RegexOptions.CultureInvariant)]
    private static partial Regex UnstorableEscape();
}
