using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks.Rendering.AdaptiveCards;

/// <summary>Renders links, bare URLs and images as `[text](url)`: TextBlocks show no images, a link still reaches it.</summary>
internal sealed class CardLinkRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, LinkInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, LinkInline obj)
    {
        if (renderer.PlainText)
        {
            // A link cannot sit in a link label (an image inside a link): keep only its text.
            renderer.WriteChildren(obj);
            return;
        }
        var url = obj.GetDynamicUrl?.Invoke() ?? obj.Url ?? "";
        renderer.Write('[');
        renderer.PlainText = true;
        if (obj.FirstChild is null)
        {
            renderer.Write(url);
        }
        renderer.WriteChildren(obj);
        renderer.PlainText = false;
        renderer.Write("](").Write(CardUrls.Escape(url)).Write(')');
    }
}

/// <summary>Renders `&lt;https://…&gt;` and `&lt;someone@example.com&gt;` autolinks as `[text](url)`.</summary>
internal sealed class CardAutolinkRenderer : MarkdownObjectRenderer<AdaptiveCardMarkdownRenderer, AutolinkInline>
{
    protected override void Write(AdaptiveCardMarkdownRenderer renderer, AutolinkInline obj)
    {
        var url = obj.IsEmail ? "mailto:" + obj.Url : obj.Url;
        renderer.Write('[').Write(obj.Url).Write("](").Write(CardUrls.Escape(url)).Write(')');
    }
}

/// <summary>Keeps a URL from ending the `(url)` part early.</summary>
internal static class CardUrls
{
    /// <summary>Percent-encodes the characters that close or split a Markdown link destination.</summary>
    public static string Escape(string url) => url
        .Replace(" ", "%20", StringComparison.Ordinal)
        .Replace("(", "%28", StringComparison.Ordinal)
        .Replace(")", "%29", StringComparison.Ordinal);
}
