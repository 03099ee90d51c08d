using IncidentBot.Chat;
using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.Slack;

/// <summary>
/// Renders links and images as `&lt;url|text&gt;`, and bare URLs as `&lt;url&gt;`, when <see cref="LinkPolicy"/>
/// allows the target; otherwise only their text, escaped.
/// </summary>
internal sealed class SlackLinkRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, LinkInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, LinkInline obj)
    {
        var url = obj.GetDynamicUrl?.Invoke() ?? obj.Url ?? "";
        // Slack cannot nest a link in a label (an image inside a link): keep only its text, as for unsafe targets.
        if (renderer.PlainText || !LinkPolicy.IsSafe(url))
        {
            renderer.WriteChildren(obj);
            return;
        }
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

/// <summary>Renders `&lt;https://…&gt;` and `&lt;someone@example.com&gt;` autolinks; any other scheme stays text.</summary>
internal sealed class SlackAutolinkRenderer : MarkdownObjectRenderer<SlackMrkdwnRenderer, AutolinkInline>
{
    protected override void Write(SlackMrkdwnRenderer renderer, AutolinkInline obj)
    {
        var url = obj.IsEmail ? "mailto:" + obj.Url : obj.Url;
        if (renderer.PlainText || !LinkPolicy.IsSafe(url))
        {
            renderer.WriteEscaped(obj.Url);
            return;
        }
        renderer.Write('<');
        renderer.WriteUrl(url);
        if (obj.IsEmail)
        {
            renderer.Write('|');
            renderer.WriteEscaped(obj.Url);
        }
        renderer.Write('>');
    }
}
