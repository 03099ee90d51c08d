using Markdig.Extensions.Yaml;
using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering.Slack;

/// <summary>Front matter is metadata for the bot, not text for responders.</summary>
internal sealed class SlackFrontMatterRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, YamlFrontMatterBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, YamlFrontMatterBlock obj)
    {
    }
}

/// <summary>Reference definitions print nothing: the links that use them already carry the URL.</summary>
internal sealed class SlackLinkDefinitionGroupRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, LinkReferenceDefinitionGroup>
{
    protected override void Write(SlackMrkdwnRenderer renderer, LinkReferenceDefinitionGroup obj)
    {
    }
}

/// <summary>A reference definition outside its group prints nothing either.</summary>
internal sealed class SlackLinkDefinitionRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, LinkReferenceDefinition>
{
    protected override void Write(SlackMrkdwnRenderer renderer, LinkReferenceDefinition obj)
    {
    }
}

/// <summary>Renders a paragraph as its inline text.</summary>
internal sealed class SlackParagraphRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, ParagraphBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, ParagraphBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.WriteLeafInline(obj);
    }
}

/// <summary>Renders a heading of any level as a bold line; Slack has no headings.</summary>
internal sealed class SlackHeadingRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, HeadingBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, HeadingBlock obj)
    {
        renderer.BeginBlock(obj);
        var marker = renderer.BoldDepth == 0 ? "*" : "";
        renderer.Write(marker);
        renderer.BoldDepth++;
        renderer.WriteLeafInline(obj);
        renderer.BoldDepth--;
        renderer.Write(marker);
    }
}

/// <summary>Renders fenced and indented code as a ``` block; Slack ignores languages, so the info string is dropped.</summary>
internal sealed class SlackCodeBlockRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, CodeBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, CodeBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.Write("```").WriteLine();
        var lines = obj.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            renderer.WriteEscaped(lines.Lines[i].Slice.AsSpan());
            renderer.WriteLine();
        }
        renderer.Write("```");
    }
}

/// <summary>Renders a thematic break as a long dash line.</summary>
internal sealed class SlackThematicBreakRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, ThematicBreakBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, ThematicBreakBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.Write("———");
    }
}

/// <summary>Shows an HTML block as escaped text, never as markup.</summary>
internal sealed class SlackHtmlBlockRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, HtmlBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, HtmlBlock obj)
    {
        renderer.BeginBlock(obj);
        var lines = obj.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                renderer.WriteLine();
            }
            renderer.WriteEscaped(lines.Lines[i].Slice.AsSpan());
        }
    }
}
