using System.Text;
using IncidentBot.Incidents;

namespace IncidentBot.Teams.Channels;

/// <summary>
/// Channel names within Teams' rules: at most 50 characters, none of <c>~ # % &amp; * { } + / \ : &lt; &gt; ? | ' " ,</c>,
/// no <c>..</c>, not starting with <c>_</c> or <c>.</c>, not ending with <c>.</c>. Real: <c>INC-42 Checkout errors</c>; drills: <c>DRILL INC-42 …</c>.
/// </summary>
public static class TeamsChannelNames
{
    public const int MaxLength = 50;
    private const string Forbidden = "~#%&*{}+/\\:<>?|'\",";

    public static string For(Incident incident, int attempt = 1)
    {
        var prefix = $"{(incident.IsDrill ? "DRILL " : "")}{incident.Reference}";
        var suffix = attempt > 1 ? $" ({attempt})" : "";
        var title = Clean(incident.Title);
        var room = MaxLength - prefix.Length - suffix.Length - 1;
        if (title.Length > room)
        {
            title = title[..Math.Max(0, room)].TrimEnd(' ', '.');
        }
        return (title.Length == 0 ? prefix : $"{prefix} {title}") + suffix;
    }

    private static string Clean(string title)
    {
        var clean = new StringBuilder();
        foreach (var c in title)
        {
            var keep = Forbidden.Contains(c) || char.IsControl(c) ? ' ' : c;
            if (keep == '.' && clean.Length > 0 && clean[^1] == '.')
            {
                continue;
            }
            if (keep == ' ' && (clean.Length == 0 || clean[^1] == ' '))
            {
                continue;
            }
            clean.Append(keep);
        }
        return clean.ToString().Trim().TrimStart('_', '.').TrimEnd('.');
    }
}
