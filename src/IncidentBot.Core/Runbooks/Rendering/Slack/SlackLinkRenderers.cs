using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.Slack;

/// <summary>Renders links and images as `&lt;url|text&gt;`, and bare URLs as `&lt;url&gt;`.</summary>
internal sealed class SlackLinkRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, LinkInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, LinkInline obj)
    {
        if (renderer.PlainText)
        {
            // Slack cannot nest a link in a label (an image inside a link): keep only its text.
            renderer.WriteChildren(obj);
            return;
        }
        var url = obj.GetDynamicUrl?.Invoke() ?? obj.Url ?? "";
        renderer.Write('<');
        renderer.WriteUrl(url);
        if (!obj.IsAutoLink && obj.FirstChild is not null)
        {
            renderer.Write('|');
            renderer.PlainText = true;
            renderer.WriteChildren(obj);
            renderer.PlainText = false;
        }
        renderer.Write('>');
    }
}

/// <summary>Renders `&lt;https://…&gt;` and `&lt;someone@example.com&gt;` autolinks.</summary>
internal sealed class SlackAutolinkRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, AutolinkInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, AutolinkInline obj)
    {
        renderer.Write('<');
        if (obj.IsEmail)
        {
            renderer.WriteUrl("mailto:" + obj.Url);
            renderer.Write('|');
            renderer.WriteEscaped(obj.Url);
        }
        else
        {
            renderer.WriteUrl(obj.Url);
        }
        renderer.Write('>');
    }
}
