using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering.Slack;

/// <summary>Renders a list; each item draws its own marker.</summary>
internal sealed class SlackListRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, ListBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, ListBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.WriteChildren(obj);
    }
}

/// <summary>Renders a list item as `• `, `◦ ` (nested) or `N. ` followed by its blocks, indented under the marker.</summary>
internal sealed class SlackListItemRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, ListItemBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, ListItemBlock obj)
    {
        var list = (ListBlock)obj.Parent!;
        // The list's BeginBlock already placed the first item; a new line there would split it from an enclosing marker.
        if (list.IndexOf(obj) > 0)
        {
            renderer.EnsureLine();
        }
        var bullet = BlockLayout.Depth(list) == 0 ? "•" : "◦";
        renderer.Write(BlockLayout.Marker(obj, bullet));
        renderer.PushIndent(BlockLayout.ListIndent);
        renderer.WriteChildren(obj);
        renderer.PopIndent();
    }
}

/// <summary>Renders a quote with `> ` before each of its lines.</summary>
internal sealed class SlackQuoteRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, QuoteBlock>
{
    protected override void Write(SlackMrkdwnRenderer renderer, QuoteBlock obj)
    {
        renderer.BeginBlock(obj);
        renderer.PushIndent("> ");
        renderer.WriteChildren(obj);
        renderer.PopIndent();
    }
}
