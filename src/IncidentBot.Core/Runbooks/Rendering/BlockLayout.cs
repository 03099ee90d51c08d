using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>Layout facts about blocks that both chat targets need: spacing, list numbers and markers.</summary>
internal static class BlockLayout
{
    /// <summary>Indent of a list item's continuation lines and nested lists, per level.</summary>
    public const string ListIndent = "    ";

    /// <summary>True for the first block of a list item: it goes on the marker's line.</summary>
    public static bool ContinuesMarkerLine(Block block) =>
        block.Parent is ListItemBlock item && item.Count > 0 && item[0] == block;

    /// <summary>
    /// True when a blank line should separate the block from the one before it: not inside list items
    /// and quotes, where chat clients would break the numbering or the quote bar.
    /// </summary>
    public static bool WantsBlankLineBefore(Block block) => block.Parent is not (ListItemBlock or QuoteBlock);

    /// <summary>The item's number: CommonMark honours only the start number, later items count up from it.</summary>
    public static int Number(ListItemBlock item)
    {
        var list = (ListBlock)item.Parent!;
        var start = int.TryParse(list.OrderedStart, out var parsed) ? parsed : 1;
        return start + list.IndexOf(item);
    }

    /// <summary>How many lists enclose this one.</summary>
    public static int Depth(ListBlock list)
    {
        var depth = 0;
        for (var parent = list.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ListBlock)
            {
                depth++;
            }
        }
        return depth;
    }

    /// <summary>The text that starts an item's first line, before its content.</summary>
    public static string Marker(ListItemBlock item, string bullet)
    {
        // A task checkbox replaces the bullet: `☐ x` reads better than `• ☐ x`.
        if (MarkdownText.IsTaskItem(item))
        {
            return "";
        }
        return ((ListBlock)item.Parent!).IsOrdered ? $"{Number(item)}. " : bullet + " ";
    }
}
