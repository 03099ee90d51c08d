using System.Text;
using System.Text.Json.Nodes;
using Markdig.Extensions.Yaml;
using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>Front matter is metadata for the bot, not text for responders.</summary>
internal sealed class CardFrontMatterRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, YamlFrontMatterBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, YamlFrontMatterBlock obj)
    {
    }
}

/// <summary>Reference definitions print nothing: the links that use them already carry the URL.</summary>
internal sealed class CardLinkDefinitionGroupRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LinkReferenceDefinitionGroup>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LinkReferenceDefinitionGroup obj)
    {
    }
}

/// <summary>A reference definition outside its group prints nothing either.</summary>
internal sealed class CardLinkDefinitionRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LinkReferenceDefinition>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LinkReferenceDefinition obj)
    {
    }
}

/// <summary>Renders a paragraph as its inline text inside the current TextBlock.</summary>
internal sealed class CardParagraphRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, ParagraphBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, ParagraphBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.WriteLeafInline(obj);
    }
}

/// <summary>Renders a heading as its own bold TextBlock; TextBlock Markdown has no headings.</summary>
internal sealed class CardHeadingRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, HeadingBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, HeadingBlock obj)
    {
        renderer.FlushText();
        renderer.WriteLeafInline(obj);
        renderer.FlushText(heading: true);
    }
}

/// <summary>
/// Renders fenced and indented code as a Teams CodeBlock element, which only Teams knows: it falls back to the same
/// code as monospace text wherever the card is shown without it (older clients, other hosts).
/// </summary>
internal sealed class CardCodeBlockRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, CodeBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, CodeBlock obj)
    {
        var snippet = new StringBuilder();
        var lines = obj.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            snippet.Append(i > 0 ? "\n" : "").Append(lines.Lines[i].Slice.AsSpan());
        }
        var info = (obj as FencedCodeBlock)?.Info;
        renderer.AddElement(new JsonObject
        {
            ["type"] = "CodeBlock",
            ["codeSnippet"] = snippet.ToString(),
            ["language"] = CodeLanguages.ToTeams(info),
            ["fallback"] = new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = AdaptiveCardText.Escape(snippet.ToString()),
                ["fontType"] = "Monospace",
                ["wrap"] = true,
            },
        });
    }
}

/// <summary>Renders a thematic break as an empty TextBlock with a separator line.</summary>
internal sealed class CardThematicBreakRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, ThematicBreakBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, ThematicBreakBlock obj) =>
        renderer.AddElement(new JsonObject { ["type"] = "TextBlock", ["text"] = " ", ["separator"] = true });
}

/// <summary>Shows an HTML block as text, escaped like any text.</summary>
internal sealed class CardHtmlBlockRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, HtmlBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, HtmlBlock obj)
    {
        renderer.BeginBlock(obj);
        var lines = obj.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                renderer.WriteLine();
            }
            renderer.WriteText(lines.Lines[i].Slice.AsSpan());
        }
    }
}
