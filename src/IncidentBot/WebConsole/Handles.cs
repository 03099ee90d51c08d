using System.Globalization;
using System.Security.Claims;
using System.Text;

namespace IncidentBot.WebConsole;

/// <summary>
/// A signed-in person's handle: the name on the timeline, on roles and runbook steps, and the one others type in
/// commands (<c>role commander @jane.doe</c>), which take one word after the @. Taken from
/// <see cref="OidcOptions.HandleClaim"/> (<c>preferred_username</c> by default), else the e-mail, else the subject,
/// and made typeable: an e-mail or UPN (Entra ID's <c>preferred_username</c>) is cut to its part before the @,
/// spaces become dots, and only letters (any script), digits, marks and <c>. _ - '</c> stay; at most
/// <see cref="MaxLength"/> characters. The display name (<see cref="OidcOptions.NameClaim"/>) stays for the console's
/// header and <c>/api/me</c>.
/// </summary>
internal static class Handles
{
    public const int MaxLength = 64;

    /// <summary>The handle of <paramref name="proven"/>; null only when no claim gives anything typeable.</summary>
    public static string? Of(ClaimsPrincipal proven, OidcOptions settings)
    {
        foreach (var claim in new[] { settings.HandleClaim, settings.EmailClaim, "sub" })
        {
            if (Typeable(proven.FindFirst(claim)?.Value) is { } handle)
            {
                return handle;
            }
        }
        return null;
    }

    /// <summary>The typeable form of <paramref name="value"/> (see the class), or null when nothing of it is left.</summary>
    public static string? Typeable(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        // Half a surrogate pair becomes U+FFFD (dropped below) first: normalising would throw on it.
        var text = string.Concat(value.Trim().EnumerateRunes().Select(r => r.ToString())).Normalize(NormalizationForm.FormC);
        // An e-mail or a UPN: the part before the @ (a value that starts with @ keeps what follows it).
        var at = text.IndexOf('@');
        if (at > 0)
        {
            text = text[..at];
        }
        var handle = new StringBuilder(Math.Min(text.Length, MaxLength));
        foreach (var rune in text.EnumerateRunes())
        {
            if (handle.Length >= MaxLength)
            {
                break;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                if (handle.Length + rune.Utf16SequenceLength <= MaxLength)
                {
                    handle.Append(rune.ToString());
                }
            }
            else if (Rune.IsWhiteSpace(rune) || rune.Value is '.' or '_' or '-' or '\'')
            {
                var mark = Rune.IsWhiteSpace(rune) ? '.' : (char)rune.Value;
                // No run of separators, and none at the start.
                if (handle.Length > 0 && handle[^1] is not ('.' or '_' or '-' or '\''))
                {
                    handle.Append(mark);
                }
            }
        }
        var result = handle.ToString().TrimEnd('.', '_', '-', '\'');
        // "me" means the person asking in commands: nobody's handle may be it.
        return result.Length == 0 || result.Equals("me", StringComparison.OrdinalIgnoreCase) ? null : result;
    }
}
