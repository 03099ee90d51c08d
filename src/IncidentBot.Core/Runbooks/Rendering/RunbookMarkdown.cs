using Markdig;
using Markdig.Extensions.EmphasisExtras;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>One shared, immutable Markdig pipeline for runbooks and chat Markdown.</summary>
public static class RunbookMarkdown
{
    /// <summary>Front matter, task lists, bare links and strikethrough; raw HTML is shown as text, never injected.</summary>
    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough)
        .DisableHtml()
        .Build();

    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);
}
