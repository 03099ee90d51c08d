using Markdig.Extensions.TaskLists;
using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>Renders a task checkbox as ☐ or ☑; the list item then draws no bullet.</summary>
internal sealed class CardTaskListRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, TaskList>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, TaskList obj) => renderer.Write(obj.Checked ? "☑" : "☐");
}

/// <summary>Renders plain text with link and mention characters escaped, so text never becomes markup in Teams.</summary>
internal sealed class CardLiteralRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LiteralInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LiteralInline obj) => renderer.WriteText(obj.Content.AsSpan());
}

/// <summary>Renders bold as `**x**` and italic as `_x_`; strikethrough has no support, so it keeps its `~~`.</summary>
internal sealed class CardEmphasisRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, EmphasisInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, EmphasisInline obj)
    {
        var marker = obj.DelimiterChar switch
        {
            '~' => "~~",
            '*' or '_' when obj.DelimiterCount >= 2 => "**",
            '*' or '_' => "_",
            _ => "",
        };
        if (renderer.PlainText && marker != "~~")
        {
            marker = "";
        }
        renderer.Write(marker);
        renderer.WriteChildren(obj);
        renderer.Write(marker);
    }
}

/// <summary>Keeps backticks around inline code: TextBlocks cannot style it, but readers still recognise it.</summary>
internal sealed class CardCodeInlineRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, CodeInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, CodeInline obj)
    {
        // TextBlocks have no code spans: the backticks are only characters, so the code is escaped like any text.
        renderer.Write('`');
        renderer.WriteText(obj.ContentSpan);
        renderer.Write('`');
    }
}

/// <summary>Hard breaks become new lines; soft breaks are spaces, as Markdown means them.</summary>
internal sealed class CardLineBreakRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LineBreakInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LineBreakInline obj)
    {
        if (obj.IsHard && !renderer.PlainText)
        {
            renderer.WriteLine();
        }
        else
        {
            renderer.Write(' ');
        }
    }
}

/// <summary>Shows inline HTML as text, escaped so that `&lt;at&gt;` never becomes a mention.</summary>
internal sealed class CardHtmlInlineRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, HtmlInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, HtmlInline obj) => renderer.WriteText(obj.Tag);
}

/// <summary>Writes the character an entity such as `&amp;amp;` stands for.</summary>
internal sealed class CardHtmlEntityRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, HtmlEntityInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, HtmlEntityInline obj) => renderer.WriteText(obj.Transcoded.AsSpan());
}

/// <summary>Writes a delimiter the parser could not pair as the literal characters it came from.</summary>
internal sealed class CardDelimiterRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, DelimiterInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, DelimiterInline obj)
    {
        renderer.WriteText(obj.ToLiteral());
        renderer.WriteChildren(obj);
    }
}
