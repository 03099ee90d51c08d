using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Runbooks;

/// <summary>Plain text and source slices out of a Markdig tree.</summary>
internal static class MarkdownText
{
    /// <summary>The visible text of inlines: literals, code and link text, without markup.</summary>
    public static string Of(ContainerInline? inline)
    {
        if (inline is null)
        {
            return "";
        }
        var text = new System.Text.StringBuilder();
        foreach (var node in inline.Descendants())
        {
            switch (node)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case LineBreakInline:
                    text.Append(' ');
                    break;
            }
        }
        return text.ToString().Trim();
    }

    /// <summary>True for a <c>- [ ]</c> item: a list item whose paragraph starts with a task marker.</summary>
    public static bool IsTaskItem(ListItemBlock item) =>
        item.FirstOrDefault() is ParagraphBlock { Inline.FirstChild: TaskList };

    public static string Source(string markdown, Block block) =>
        block.Span.IsEmpty ? "" : markdown.Substring(block.Span.Start, Math.Min(block.Span.Length, markdown.Length - block.Span.Start)).TrimEnd();
}
