using IncidentBot.Chat;
using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>
/// Renders links, bare URLs and images as `[text](url)` when <see cref="LinkPolicy"/> allows the target (TextBlocks
/// show no images, a link still reaches it); otherwise only their text.
/// </summary>
internal sealed class CardLinkRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LinkInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LinkInline obj)
    {
        var url = obj.GetDynamicUrl?.Invoke() ?? obj.Url ?? "";
        // A link cannot sit in a link label (an image inside a link): keep only its text, as for unsafe targets.
        if (renderer.PlainText || !LinkPolicy.IsSafe(url))
        {
            renderer.WriteChildren(obj);
            return;
        }
        renderer.Write('[');
        renderer.PlainText = true;
        if (obj.FirstChild is null)
        {
            renderer.WriteText(url);
        }
        renderer.WriteChildren(obj);
        renderer.PlainText = false;
        renderer.Write("](").Write(CardUrls.Escape(url)).Write(')');
    }
}

/// <summary>Renders `&lt;https://…&gt;` and `&lt;someone@example.com&gt;` autolinks as `[text](url)`; any other scheme stays text.</summary>
internal sealed class CardAutolinkRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, AutolinkInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, AutolinkInline obj)
    {
        var url = obj.IsEmail ? "mailto:" + obj.Url : obj.Url;
        if (renderer.PlainText || !LinkPolicy.IsSafe(url))
        {
            renderer.WriteText(obj.Url);
            return;
        }
        renderer.Write('[').WriteText(obj.Url).Write("](").Write(CardUrls.Escape(url)).Write(')');
    }
}

/// <summary>Keeps a URL from ending the `(url)` part early.</summary>
public static class CardUrls
{
    /// <summary>Percent-encodes the characters that close or split a Markdown link destination.</summary>
    public static string Escape(string url) => url
        .Replace(" ", "%20", StringComparison.Ordinal)
        .Replace("(", "%28", StringComparison.Ordinal)
        .Replace(")", "%29", StringComparison.Ordinal)
        .Replace("<", "%3C", StringComparison.Ordinal)
        .Replace(">", "%3E", StringComparison.Ordinal);
}
