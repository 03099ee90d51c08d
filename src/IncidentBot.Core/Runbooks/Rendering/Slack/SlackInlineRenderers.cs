using Markdig.Extensions.TaskLists;
using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.Slack;

/// <summary>Renders a task checkbox as ☐ or ☑; the list item then draws no bullet.</summary>
internal sealed class SlackTaskListRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, TaskList>
{
    protected override void Write(SlackMrkdwnRenderer renderer, TaskList obj) => renderer.Write(obj.Checked ? "☑" : "☐");
}

/// <summary>Renders plain text, escaped.</summary>
internal sealed class SlackLiteralRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, LiteralInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, LiteralInline obj) => renderer.WriteEscaped(obj.Content.AsSpan());
}

/// <summary>Renders bold as `*x*`, italic as `_x_` and strikethrough as `~x~`.</summary>
internal sealed class SlackEmphasisRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, EmphasisInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, EmphasisInline obj)
    {
        var bold = obj.DelimiterChar is '*' or '_' && obj.DelimiterCount >= 2;
        var marker = obj.DelimiterChar switch
        {
            '~' => "~",
            '*' or '_' when bold => renderer.BoldDepth == 0 ? "*" : "",
            '*' or '_' => "_",
            _ => "",
        };
        if (renderer.PlainText)
        {
            marker = "";
        }
        renderer.Write(marker);
        renderer.BoldDepth += bold ? 1 : 0;
        renderer.WriteChildren(obj);
        renderer.BoldDepth -= bold ? 1 : 0;
        renderer.Write(marker);
    }
}

/// <summary>Renders inline code between backticks, escaped like any text.</summary>
internal sealed class SlackCodeInlineRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, CodeInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, CodeInline obj)
    {
        var marker = renderer.PlainText ? "" : "`";
        renderer.Write(marker);
        renderer.WriteEscaped(obj.ContentSpan);
        renderer.Write(marker);
    }
}

/// <summary>Keeps soft and hard line breaks as new lines; a link label must stay on one line.</summary>
internal sealed class SlackLineBreakRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, LineBreakInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, LineBreakInline obj)
    {
        if (renderer.PlainText)
        {
            renderer.Write(' ');
        }
        else
        {
            renderer.WriteLine();
        }
    }
}

/// <summary>Shows inline HTML as escaped text.</summary>
internal sealed class SlackHtmlInlineRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, HtmlInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, HtmlInline obj) => renderer.WriteEscaped(obj.Tag);
}

/// <summary>Writes the character an entity such as `&amp;amp;` stands for, escaped again for Slack.</summary>
internal sealed class SlackHtmlEntityRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, HtmlEntityInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, HtmlEntityInline obj) => renderer.WriteEscaped(obj.Transcoded.AsSpan());
}

/// <summary>Writes a delimiter the parser could not pair as the literal characters it came from.</summary>
internal sealed class SlackDelimiterRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, DelimiterInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, DelimiterInline obj)
    {
        renderer.WriteEscaped(obj.ToLiteral());
        renderer.WriteChildren(obj);
    }
}
