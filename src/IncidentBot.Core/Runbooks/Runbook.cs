using IncidentBot.Incidents;
using Markdig.Syntax;

namespace IncidentBot.Runbooks;

/// <summary>
/// A parsed runbook: front matter, title, intro and steps. The Markdig tree (<see cref="Document"/>) is the one
/// source every renderer walks; steps point at its blocks.
/// </summary>
public sealed class Runbook
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Alert labels that start this runbook by themselves: every pair must match.</summary>
    public IReadOnlyDictionary<string, string> Match { get; init; } = new Dictionary<string, string>();

    public Severity? Severity { get; init; }

    public string? Owner { get; init; }

    public int? EstimatedMinutes { get; init; }

    /// <summary>The file it was read from, relative to the runbook folder.</summary>
    public required string File { get; init; }

    public required string Markdown { get; init; }

    /// <summary>A hash of <see cref="Markdown"/>: sessions keep the version they started with.</summary>
    public required string Version { get; init; }

    public required MarkdownDocument Document { get; init; }

    public IReadOnlyList<Block> Intro { get; init; } = [];

    public required IReadOnlyList<RunbookStep> Steps { get; init; }

    /// <summary>True when every <see cref="Match"/> label is present with the same value; a runbook without match never matches.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        Match.Count > 0 && Match.All(m => labels.TryGetValue(m.Key, out var value) && string.Equals(value, m.Value, StringComparison.Ordinal));
}

/// <summary>One <c>##</c> section of a runbook.</summary>
public sealed class RunbookStep
{
    /// <summary>1-based.</summary>
    public required int Number { get; init; }

    public required string Title { get; init; }

    /// <summary>1-based line of the heading in the file.</summary>
    public required int Line { get; init; }

    /// <summary>The blocks under the heading, in the runbook's Markdig tree.</summary>
    public required IReadOnlyList<Block> Blocks { get; init; }

    /// <summary>The step's Markdown without its checklist items, which chat platforms show as their own controls.</summary>
    public required string BodyMarkdown { get; init; }

    /// <summary>The <c>- [ ]</c> items, as plain text, in order.</summary>
    public required IReadOnlyList<string> Checklist { get; init; }
}

/// <summary>Something wrong in a runbook file, at a line.</summary>
public sealed record RunbookProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}
