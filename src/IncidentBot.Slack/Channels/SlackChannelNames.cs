using System.Globalization;
using System.Text;
using IncidentBot.Incidents;

namespace IncidentBot.Slack.Channels;

/// <summary>
/// Incident channel names within Slack's rules: lower-case letters, digits, <c>-</c> and <c>_</c>, at most 80
/// characters. Real incidents get <c>inc-42-checkout-errors</c>, drills <c>drill-42-…</c>.
/// </summary>
public static class SlackChannelNames
{
    public const int MaxLength = 80;

    public static string For(Incident incident, int attempt = 1)
    {
        var prefix = $"{(incident.IsDrill ? "drill" : "inc")}-{incident.Number}";
        var suffix = attempt > 1 ? $"-{attempt}" : "";
        var room = MaxLength - prefix.Length - suffix.Length - 1;
        var slug = Slug(incident.Title, room);
        return slug.Length == 0 ? prefix + suffix : $"{prefix}-{slug}{suffix}";
    }

    /// <summary>Accents dropped, anything else outside Slack's alphabet becomes a single dash.</summary>
    public static string Slug(string title, int maxLength)
    {
        var slug = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
            {
                slug.Append(lower);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        var text = slug.ToString();
        return (text.Length > maxLength ? text[..maxLength] : text).Trim('-');
    }
}
