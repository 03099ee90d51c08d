using System.Text.Json.Nodes;
using IncidentBot.Runbooks.Rendering.AdaptiveCards;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>Renders runbook Markdown as Adaptive Card (schema 1.5) body elements for Microsoft Teams.</summary>
public static class AdaptiveCardRenderer
{
    /// <summary>Parses <paramref name="markdown"/> with the runbook pipeline and renders the whole document.</summary>
    public static JsonArray Render(string markdown) => Render(RunbookMarkdown.Parse(markdown));

    /// <summary>Renders the given top-level blocks of an already parsed document, such as one runbook step.</summary>
    public static JsonArray Render(IEnumerable<Block> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var renderer = new AdaptiveCardMarkdownRenderer();
        foreach (var block in blocks)
        {
            renderer.Write(block);
        }
        renderer.FlushText();
        return renderer.Body;
    }
}
