using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>Runbook Markdown as HTML, through Markdig's own renderer with the runbook pipeline's extensions.</summary>
public static class HtmlStepRenderer
{
    public static string Render(string markdown) => Render(RunbookMarkdown.Parse(markdown));

    public static string Render(IEnumerable<Block> blocks)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        RunbookMarkdown.Pipeline.Setup(renderer);
        foreach (var block in blocks)
        {
            renderer.Render(block);
        }
        writer.Flush();
        return writer.ToString();
    }
}
