using Markdig.Renderers;
using Markdig.Syntax;

namespace IncidentBot.Runbooks.Rendering;

/// <summary>What the Slack and Adaptive Card text renderers share: where each block starts, and link-label mode.</summary>
public abstract class ChatTextRenderer<T> : TextRendererBase<T>
    where T : ChatTextRenderer<T>
{
    private bool _started;

    protected ChatTextRenderer(TextWriter writer) : base(writer)
    {
    }

    /// <summary>True inside a link label, where formatting characters would show literally or break the link.</summary>
    internal bool PlainText { get; set; }

    /// <summary>Moves to where the next block starts: the marker line, a new line, or after a blank line.</summary>
    internal void BeginBlock(Block block)
    {
        if (!_started)
        {
            _started = true;
            return;
        }
        if (BlockLayout.ContinuesMarkerLine(block))
        {
            return;
        }
        EnsureLine();
        if (BlockLayout.WantsBlankLineBefore(block))
        {
            WriteLine();
        }
    }

    /// <summary>The next block is the first of a new piece of text (no separator before it).</summary>
    protected void StartAfresh() => _started = false;
}
