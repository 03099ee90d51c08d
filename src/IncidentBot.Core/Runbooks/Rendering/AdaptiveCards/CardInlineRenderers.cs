using Markdig.Extensions.TaskLists;
using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>Renders a task checkbox as ☐ or ☑; the list item then draws no bullet.</summary>
internal sealed class CardTaskListRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, TaskList>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, TaskList obj) => renderer.Write(obj.Checked ? "☑" : "☐");
}

/// <summary>Renders plain text as is; the JSON serializer does the only escaping a TextBlock needs.</summary>
internal sealed class CardLiteralRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LiteralInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LiteralInline obj) => renderer.Write(obj.Content);
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
        renderer.Write('`');
        renderer.Write(obj.ContentSpan);
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

/// <summary>Shows inline HTML as text; TextBlocks never interpret HTML.</summary>
internal sealed class CardHtmlInlineRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, HtmlInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, HtmlInline obj) => renderer.Write(obj.Tag);
}

/// <summary>Writes the character an entity such as `&amp;amp;` stands for.</summary>
internal sealed class CardHtmlEntityRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, HtmlEntityInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, HtmlEntityInline obj) => renderer.Write(obj.Transcoded);
}

/// <summary>Writes a delimiter the parser could not pair as the literal characters it came from.</summary>
internal sealed class CardDelimiterRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, DelimiterInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, DelimiterInline obj)
    {
        renderer.Write(obj.ToLiteral());
        renderer.WriteChildren(obj);
    }
}
