using System.Text.Json.Nodes;
using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>
/// Collects card body elements: text-like blocks accumulate as the TextBlock Markdown subset,
/// while code, headings and breaks become elements of their own.
/// </summary>
internal sealed class AdaptiveCardMarkdownRenderer : ChatTextRenderer<AdaptiveCardMarkdownRenderer>
{
    private readonly StringWriter text;

    /// <summary>Creates a renderer with one node renderer for every node the runbook pipeline produces.</summary>
    public AdaptiveCardMarkdownRenderer() : this(new StringWriter())
    {
    }

    private AdaptiveCardMarkdownRenderer(StringWriter text) : base(text)
    {
        this.text = text;
        // Front matter must come before the code block renderer: YamlFrontMatterBlock is a CodeBlock and the first match wins.
        ObjectRenderers.Add(new CardFrontMatterRenderer());
        ObjectRenderers.Add(new CardLinkDefinitionGroupRenderer());
        ObjectRenderers.Add(new CardLinkDefinitionRenderer());
        ObjectRenderers.Add(new CardParagraphRenderer());
        ObjectRenderers.Add(new CardHeadingRenderer());
        ObjectRenderers.Add(new CardCodeBlockRenderer());
        ObjectRenderers.Add(new CardListRenderer());
        ObjectRenderers.Add(new CardListItemRenderer());
        ObjectRenderers.Add(new CardQuoteRenderer());
        ObjectRenderers.Add(new CardThematicBreakRenderer());
        ObjectRenderers.Add(new CardHtmlBlockRenderer());

        ObjectRenderers.Add(new CardTaskListRenderer());
        ObjectRenderers.Add(new CardLiteralRenderer());
        ObjectRenderers.Add(new CardEmphasisRenderer());
        ObjectRenderers.Add(new CardCodeInlineRenderer());
        ObjectRenderers.Add(new CardLinkRenderer());
        ObjectRenderers.Add(new CardAutolinkRenderer());
        ObjectRenderers.Add(new CardLineBreakRenderer());
        ObjectRenderers.Add(new CardHtmlInlineRenderer());
        ObjectRenderers.Add(new CardHtmlEntityRenderer());
        ObjectRenderers.Add(new CardDelimiterRenderer());
    }

    /// <summary>The card body elements rendered so far.</summary>
    public JsonArray Body { get; } = [];

    /// <summary>Writes outside text so that none of it becomes a link or mention (<see cref="AdaptiveCardText"/>).</summary>
    internal AdaptiveCardMarkdownRenderer WriteText(ReadOnlySpan<char> text)
    {
        Write(AdaptiveCardText.Escape(text.ToString()));
        return this;
    }

    /// <summary>Ends the current TextBlock, if it has any text, and adds <paramref name="element"/> after it.</summary>
    internal void AddElement(JsonObject element)
    {
        FlushText();
        Body.Add(element);
    }

    /// <summary>Turns the text accumulated so far into a TextBlock (optionally styled as a heading) and starts afresh.</summary>
    internal void FlushText(bool heading = false)
    {
        var builder = text.GetStringBuilder();
        // Leading spaces are kept: they indent a nested list item that continues after a code block.
        var content = builder.ToString().TrimStart('\n').TrimEnd();
        builder.Clear();
        previousWasLine = true;
        StartAfresh();
        if (content.Length == 0)
        {
            return;
        }
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = content };
        if (heading)
        {
            block["weight"] = "Bolder";
            block["size"] = "Medium";
        }
        block["wrap"] = true;
        Body.Add(block);
    }
}
