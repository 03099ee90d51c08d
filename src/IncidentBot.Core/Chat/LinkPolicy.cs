using System.Globalization;

namespace IncidentBot.Chat;

/// <summary>
/// The one check every renderer asks before it makes text a link (console and review HTML, Slack mrkdwn, Adaptive
/// Cards, Slack bookmarks): only absolute <c>http</c>, <c>https</c> and <c>mailto</c> addresses are links.
/// Anything else (<c>javascript:</c>, <c>data:</c>, <c>file:</c>, relative and protocol-relative paths, addresses
/// with spaces, control characters or backslashes that browsers would quietly drop or turn into slashes) is shown as
/// text instead.
/// </summary>
public static class LinkPolicy
{
    /// <summary>The schemes that may become links, compared without regard to case.</summary>
    public static IReadOnlyList<string> AllowedSchemes { get; } = ["http", "https", "mailto"];

    /// <summary>True when <paramref name="url"/> may be rendered as a link, exactly as written.</summary>
    public static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 8192 || !url.All(IsPlainUrlChar))
        {
            return false;
        }
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !AllowedSchemes.Contains(url[..colon], StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.Scheme is "mailto"
            ? url.Length > colon + 1
            // A web address needs its "//" and a host: "https:evil" or "https:/x" mean something else to each browser.
            : string.Compare(url, colon + 1, "//", 0, 2, StringComparison.Ordinal) == 0 && uri.Host.Length > 0;
    }

    /// <summary>
    /// Printable characters and the plain space (which renderers encode as %20) only: browsers strip tabs and new
    /// lines inside a URL (<c>jav&#9;ascript:</c>) and read a backslash as a slash.
    /// </summary>
    private static bool IsPlainUrlChar(char c) =>
        c == ' ' || (c > ' ' && c != '\\' && !char.IsWhiteSpace(c) && CharUnicodeInfo.GetUnicodeCategory(c) is not
            (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned));
}
