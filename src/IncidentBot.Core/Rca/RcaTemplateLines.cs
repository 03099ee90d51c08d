using System.Text.RegularExpressions;

namespace IncidentBot.Rca;

/// <summary>
/// Finds the line a Handlebars error is about. Handlebars.Net gives a position for few errors, so: its own
/// "Occured at: line:column" when present; else our scan of the tags (an unterminated <c>{{</c>, a closing tag
/// that matches no open block, the innermost block never closed); else the first tag naming what the message quotes.
/// </summary>
internal static partial class RcaTemplateLines
{
    private sealed record Tag(int Line, string Head, string[] Words);

    public static int? Locate(string template, string message)
    {
        var position = Position().Match(message);
        if (position.Success)
        {
            return int.Parse(position.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        var (tags, broken) = Scan(template);
        return broken ?? Named(tags, message);
    }

    private static (List<Tag> Tags, int? Broken) Scan(string template)
    {
        var tags = new List<Tag>();
        var open = new Stack<Tag>();
        foreach (Match m in Mustache().Matches(template))
        {
            var body = m.Groups["body"];
            if (!body.Success)
            {
                continue;
            }
            var line = 1 + template.AsSpan(0, m.Index).Count('\n');
            if (!m.Groups["end"].Success || body.Value.Contains("{{", StringComparison.Ordinal))
            {
                return (tags, line);
            }
            var words = Words().Matches(body.Value.Trim('~', '{', '}', ' ')).Select(w => w.Value).ToArray();
            if (words.Length == 0)
            {
                continue;
            }
            var sigil = words[0][0] is '#' or '^' or '/' ? words[0][0] : ' ';
            var tag = new Tag(line, words[0].TrimStart('#', '^', '/', '*', '>'), words);
            tags.Add(tag);
            if (sigil is '#' or '^' && tag.Head.Length > 0)
            {
                open.Push(tag);
            }
            else if (sigil == '/' && (!open.TryPop(out var opened) || opened.Head != tag.Head))
            {
                return (tags, line);
            }
        }
        return (tags, open.TryPeek(out var unclosed) ? unclosed.Line : null);
    }

    // Messages name the culprit as 'name', '#name' or "name is undefined"; a tag names it whole or as a path's last part.
    private static int? Named(List<Tag> tags, string message)
    {
        var quoted = Quoted().Match(message);
        if (!quoted.Success)
        {
            return null;
        }
        var name = quoted.Groups["name"].Value.TrimStart('#', '/');
        return tags.FirstOrDefault(t => t.Words.Any(w => w.TrimStart('#', '^', '/') == name || w.EndsWith("." + name, StringComparison.Ordinal)))?.Line;
    }

    [GeneratedRegex(@"Occured at: ?(?<line>\d+):\d+")]
    private static partial Regex Position();

    // Comments may contain "}}", so they are matched whole first and their body left out.
    [GeneratedRegex(@"\{\{!--.*?--~?\}\}|\{\{!.*?\}\}|\{\{(?<body>.*?)(?:(?<end>\}\})|\z)", RegexOptions.Singleline)]
    private static partial Regex Mustache();

    [GeneratedRegex(@"[^\s()=]+")]
    private static partial Regex Words();

    [GeneratedRegex(@"'(?<name>[^']+)'|^(?<name>\S+) is undefined")]
    private static partial Regex Quoted();
}
