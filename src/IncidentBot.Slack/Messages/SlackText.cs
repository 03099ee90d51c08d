using System.Text;

namespace IncidentBot.Slack.Messages;

/// <summary>
/// Outside text in any field Slack parses (message text, mrkdwn, plain_text, topic, purpose, bookmark titles): Slack
/// reads `&amp;`, `&lt;` and `&gt;` as control characters (`&lt;!channel&gt;`, `&lt;@U123&gt;`, `&lt;url|label&gt;`), so
/// those three become entities, which Slack shows as the characters themselves.
/// </summary>
public static class SlackText
{
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Escaped and at most <paramref name="max"/> characters, cut with "…" between entities, never inside one.</summary>
    public static string Escape(string text, int max)
    {
        var escaped = Escape(text);
        if (escaped.Length <= max)
        {
            return escaped;
        }
        var shortened = new StringBuilder(max);
        foreach (var rune in text.EnumerateRunes())
        {
            var piece = Escape(rune.ToString());
            if (shortened.Length + piece.Length > max - 1)
            {
                break;
            }
            shortened.Append(piece);
        }
        return shortened.Append('…').ToString();
    }
}
