using System.Text.RegularExpressions;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// What PostgreSQL cannot store, made storable: <c>text</c> holds no NUL character, UTF-8 has no unpaired surrogates,
/// and <c>jsonb</c> refuses the escapes <c>\u0000</c> and an escaped half of a surrogate pair. Each becomes U+FFFD (the
/// replacement character), the way a decoder shows what it could not read. Both methods return the very same string
/// when there is nothing to repair, so callers can tell by reference. Plain text is cleaned by Core's
/// <see cref="StorableText.Clean"/>; this adds the JSON escapes.
/// </summary>
internal static partial class TextRepair
{
    public static string RepairJson(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }
        var repaired = UnstorableEscape().Replace(json, match => match.Groups["backslashes"].Value + "\\ufffd");
        return repaired == json ? json : repaired;
    }

    // An escape (a backslash preceded by an even number of backslashes) of NUL, of a high surrogate not followed by an
    // escaped low one, or of a low surrogate not preceded by an escaped high one.
    [GeneratedRegex("""
        (?<backslashes>(?<!\\)(?:\\\\)*)\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u)[dD][c-fC-F][0-9a-fA-F]{2})
        """, RegexOptions.CultureInvariant)]
    private static partial Regex UnstorableEscape();
}
