using System.Text;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>
/// Text for the Markdown subset of Adaptive Card TextBlocks and facts. Teams turns `[text](url)` into a link and
/// `&lt;at&gt;…&lt;/at&gt;` into a mention, so outside text gets a backslash before each character that could start
/// one: `\`, `[`, `]`, `&lt;` and `&gt;`. Teams shows the characters themselves.
/// </summary>
public static class AdaptiveCardText
{
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny(Special) < 0)
        {
            return text;
        }
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (Special.Contains(c))
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private const string Special = "\\[]<>";
}
