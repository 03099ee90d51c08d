using IncidentBot.Chat;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.Html;

/// <summary>
/// Renders a link, bare URL or image as <c>&lt;a href&gt;</c> only when <see cref="LinkPolicy"/> allows its target;
/// otherwise its text alone. Images become links to the picture: the console loads nothing from outside.
/// </summary>
internal sealed class HtmlLinkRenderer : HtmlObjectRenderer<LinkInline>
{
    protected override void Write(HtmlRenderer renderer, LinkInline link)
    {
        var url = link.GetDynamicUrl?.Invoke() ?? link.Url;
        // A link cannot hold another one (an image inside a link): the inner one keeps only its text.
        if (!LinkPolicy.IsSafe(url) || InsideLink(link))
        {
            renderer.WriteChildren(link);
            return;
        }
        renderer.Write("<a href=\"").WriteEscapeUrl(url).Write('"');
        renderer.WriteAttributes(link);
        if (!string.IsNullOrEmpty(link.Title))
        {
            renderer.Write(" title=\"").WriteEscape(link.Title).Write('"');
        }
        renderer.Write('>');
        if (link.FirstChild is null)
        {
            renderer.WriteEscape(url);
        }
        renderer.WriteChildren(link);
        renderer.Write("</a>");
    }

    private static bool InsideLink(LinkInline link)
    {
        for (var parent = link.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is LinkInline)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>Renders a <c>&lt;…&gt;</c> autolink as a link when <see cref="LinkPolicy"/> allows it, else as its text.</summary>
internal sealed class HtmlAutolinkRenderer : HtmlObjectRenderer<AutolinkInline>
{
    protected override void Write(HtmlRenderer renderer, AutolinkInline autolink)
    {
        var url = autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url;
        if (!LinkPolicy.IsSafe(url))
        {
            renderer.WriteEscape(autolink.Url);
            return;
        }
        renderer.Write("<a href=\"").WriteEscapeUrl(url).Write('"');
        renderer.WriteAttributes(autolink);
        renderer.Write('>').WriteEscape(autolink.Url).Write("</a>");
    }
}
