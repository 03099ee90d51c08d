using IncidentBot.Runbooks.Rendering.Slack;
using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>Renders a Markdig syntax tree as Slack mrkdwn.</summary>
public sealed class SlackMrkdwnRenderer : ChatTextRenderer<SlackMrkdwnRenderer>
{

    /// <summary>Creates a renderer with one node renderer for every node the runbook pipeline produces.</summary>
    public SlackMrkdwnRenderer(TextWriter writer) : base(writer)
    {
        // Front matter must come before the code block renderer: YamlFrontMatterBlock is a CodeBlock and the first match wins.
        ObjectRenderers.Add(new SlackFrontMatterRenderer());
        ObjectRenderers.Add(new SlackLinkDefinitionGroupRenderer());
        ObjectRenderers.Add(new SlackLinkDefinitionRenderer());
        ObjectRenderers.Add(new SlackParagraphRenderer());
        ObjectRenderers.Add(new SlackHeadingRenderer());
        ObjectRenderers.Add(new SlackCodeBlockRenderer());
        ObjectRenderers.Add(new SlackListRenderer());
        ObjectRenderers.Add(new SlackListItemRenderer());
        ObjectRenderers.Add(new SlackQuoteRenderer());
        ObjectRenderers.Add(new SlackThematicBreakRenderer());
        ObjectRenderers.Add(new SlackHtmlBlockRenderer());

        ObjectRenderers.Add(new SlackTaskListRenderer());
        ObjectRenderers.Add(new SlackLiteralRenderer());
        ObjectRenderers.Add(new SlackEmphasisRenderer());
        ObjectRenderers.Add(new SlackCodeInlineRenderer());
        ObjectRenderers.Add(new SlackLinkRenderer());
        ObjectRenderers.Add(new SlackAutolinkRenderer());
        ObjectRenderers.Add(new SlackLineBreakRenderer());
        ObjectRenderers.Add(new SlackHtmlInlineRenderer());
        ObjectRenderers.Add(new SlackHtmlEntityRenderer());
        ObjectRenderers.Add(new SlackDelimiterRenderer());
    }

    /// <summary>Parses <paramref name="markdown"/> with the runbook pipeline and renders the whole document.</summary>
    public static string Render(string markdown) => Render(RunbookMarkdown.Parse(markdown));

    /// <summary>Renders the given top-level blocks of an already parsed document, such as one runbook step.</summary>
    public static string Render(IEnumerable<Block> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        using var writer = new StringWriter();
        var renderer = new SlackMrkdwnRenderer(writer);
        foreach (var block in blocks)
        {
            renderer.Write(block);
        }
        return writer.ToString().TrimEnd();
    }

    /// <summary>How many bold spans enclose the current node; Slack cannot nest `*` inside `*`.</summary>
    internal int BoldDepth { get; set; }



    /// <summary>Writes text with Slack's three control characters escaped.</summary>
    internal void WriteEscaped(ReadOnlySpan<char> text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var entity = text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => null,
            };
            if (entity is not null)
            {
                Write(text[start..i]);
                Write(entity);
                start = i + 1;
            }
        }
        Write(text[start..]);
    }

    /// <summary>Writes a URL for use inside `&lt;url|text&gt;`, where a raw `|` would end the URL and a space split it.</summary>
    internal void WriteUrl(string url) => WriteEscaped(url.Replace("|", "%7C", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal));
}
