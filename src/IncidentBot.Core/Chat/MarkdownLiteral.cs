namespace IncidentBot.Chat;

/// <summary>
/// Text from an alert or a person put into a message's Markdown so that it reads exactly as written: every
/// character Markdown gives a meaning (emphasis, links, code, headings, lists, HTML) is backslash-escaped, and line
/// breaks become spaces, so the text stays one line of a list. Each renderer then escapes it for its platform.
/// </summary>
public static class MarkdownLiteral
{
    private const string Special = "\\`*_{}[]()<>#+-.!|~&\"'=:@$%^";

    /// <summary>The text as a literal, cut to <paramref name="max"/> characters of the original first.</summary>
    public static string Of(string text, int max)
    {
        var shortened = ChatText.Shorten(text, max);
        var builder = new System.Text.StringBuilder(shortened.Length + 16);
        foreach (var c in shortened)
        {
            if (c is '\r' or '\n' or '\t')
            {
                builder.Append(' ');
            }
            else if (Special.Contains(c))
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
