using IncidentBot.Runbooks.Rendering.Html;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>
/// Markdown as HTML for the web console (runbook steps, room messages, reviews): Markdig's own renderer with the
/// pipeline's extensions, raw HTML shown as text, and links only where <see cref="Chat.LinkPolicy"/> allows them.
/// </summary>
public static class HtmlStepRenderer
{
    public static string Render(string markdown) => Render(RunbookMarkdown.Parse(markdown));

    public static string Render(IEnumerable<Block> blocks) => Render(blocks, RunbookMarkdown.Pipeline);

    /// <summary>Renders Markdown parsed with another pipeline (reviews add tables); it must disable raw HTML.</summary>
    public static string Render(string markdown, MarkdownPipeline pipeline) => Render(Markdown.Parse(markdown, pipeline), pipeline);

    public static string Render(IEnumerable<Block> blocks, MarkdownPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        pipeline.Setup(renderer);
        renderer.ObjectRenderers.Replace<LinkInlineRenderer>(new HtmlLinkRenderer());
        renderer.ObjectRenderers.Replace<AutolinkInlineRenderer>(new HtmlAutolinkRenderer());
        foreach (var block in blocks)
        {
            renderer.Render(block);
        }
        writer.Flush();
        return writer.ToString();
    }
}
