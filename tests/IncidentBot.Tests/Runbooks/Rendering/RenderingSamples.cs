using IncidentBot.Runbooks.Rendering;
using IncidentBot.Tests.Infrastructure;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Tests.Runbooks.Rendering;

/// <summary>Markdown the rendering tests run against: the repository's runbooks and a kitchen-sink sample.</summary>
internal static class RenderingSamples
{
    public static string RunbooksFolder => Path.Combine(RepositoryPaths.Root, "runbooks");

    public static string DatabaseFailover => File.ReadAllText(Path.Combine(RunbooksFolder, "database-failover.md"));

    /// <summary>One of every construct runbooks and chat messages use, including the ones that are easy to forget.</summary>
    public const string KitchenSink = """
        ---
        id: kitchen-sink
        services: [everything]
        ---
        # Title
        Intro with **bold**, __bold__, *italic*, _italic_, ~~strike~~, `code <&>` and ***both***.
        A soft break here\
        and a hard break, a [link](https://example.com/a?b=1&c=2 "title"), a [reference link][docs],
        <https://auto.example.com>, <oncall@example.com>, bare https://bare.example.com/x and www.example.org.
        ![alt text](https://img.example.com/i.png), escaped \*stars\*, 1 < 2 && 3 > 2, &amp; &copy;.
        Raw <b>html</b> inline and an [unclosed bracket.

        <div class="x">
        raw block
        </div>

        ### Sub heading with `code`

        ```bash
        echo "a < b" && exit 1
        ```

            indented code

        1. First
           - nested bullet
           - [ ] nested task
             1. deep
        2. Second

        5. start at five
        6. six

        - [ ] open task
        - [x] done task

        > Quoted **text**
        >
        > second paragraph

        ***

        [docs]: https://docs.example.com
        """;

    /// <summary>The runbooks in the repository, each with its file name.</summary>
    public static IEnumerable<(string Name, string Markdown)> Runbooks() =>
        Directory.GetFiles(RunbooksFolder, "*.md")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), File.ReadAllText(path)));

    /// <summary>Splits a runbook into its `##` steps, each with the heading and the blocks up to the next step.</summary>
    public static IReadOnlyList<SampleStep> Steps(string markdown)
    {
        var steps = new List<SampleStep>();
        foreach (var block in RunbookMarkdown.Parse(markdown))
        {
            if (block is HeadingBlock { Level: 2 } heading)
            {
                steps.Add(new SampleStep(PlainText(heading), [heading]));
            }
            // Front matter, title and introduction come before the first step and belong to none.
            else if (steps.Count > 0)
            {
                steps[^1].Blocks.Add(block);
            }
        }
        return steps;
    }

    private static string PlainText(LeafBlock block) =>
        string.Concat(block.Inline!.Descendants<LiteralInline>().Select(literal => literal.Content.ToString()));
}

/// <summary>One `##` step of a runbook.</summary>
internal sealed record SampleStep(string Title, List<Block> Blocks);
