using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>Renders a list; each item draws its own marker.</summary>
internal sealed class CardListRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, ListBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, ListBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.WriteChildren(obj);
    }
}

/// <summary>Renders a list item as `- ` or `N. ` followed by its blocks, indented under the marker.</summary>
internal sealed class CardListItemRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, ListItemBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, ListItemBlock obj)
    {
        var list = (ListBlock)obj.Parent!;
        // The list's BeginBlock already placed the first item; a new line there would split it from an enclosing marker.
        if (list.IndexOf(obj) > 0)
        {
            renderer.EnsureLine();
        }
        renderer.Write(BlockLayout.Marker(obj, "-"));
        renderer.PushIndent(BlockLayout.ListIndent);
        renderer.WriteChildren(obj);
        renderer.PopIndent();
    }
}

/// <summary>Renders a quote with `> ` before each line: TextBlock Markdown has no quotes, but readers know the convention.</summary>
internal sealed class CardQuoteRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, QuoteBlock>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, QuoteBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.PushIndent("> ");
        renderer.WriteChildren(obj);
        renderer.PopIndent();
    }
}
