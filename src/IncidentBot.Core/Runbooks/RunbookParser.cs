using System.Security.Cryptography;
using System.Text;
using IncidentBot.Runbooks.Rendering;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace IncidentBot.Runbooks;

/// <summary>
/// Reads one runbook file: YAML front matter, one <c>#</c> title, an intro, and one step per <c>##</c> heading.
/// Every problem is reported with its line; a runbook with problems is not returned.
/// </summary>
public static class RunbookParser
{
    public static (Runbook? Runbook, IReadOnlyList<RunbookProblem> Problems) Parse(string markdown, string file)
    {
        var problems = new List<RunbookProblem>();
        var document = RunbookMarkdown.Parse(markdown);
        if (document.FirstOrDefault() is not YamlFrontMatterBlock frontMatterBlock)
        {
            problems.Add(new(file, 1, "the file must start with YAML front matter between `---` lines, with at least `id` and `title`"));
            return (null, problems);
        }
        var frontMatter = RunbookFrontMatter.Read(frontMatterBlock.Lines.ToString(), frontMatterBlock.Line + 2, file, problems);
        if (frontMatter.Id is null && !problems.Any(p => p.Message.Contains("`id`")))
        {
            problems.Add(new(file, frontMatterBlock.Line + 1, "front matter has no `id`"));
        }

        string? title = null;
        var intro = new List<Block>();
        var steps = new List<(HeadingBlock Heading, List<Block> Blocks)>();
        foreach (var block in document.Skip(1))
        {
            switch (block)
            {
                case HeadingBlock { Level: 1 } heading when title is null && steps.Count == 0:
                    title = MarkdownText.Of(heading.Inline);
                    break;
                case HeadingBlock { Level: 1 } heading:
                    problems.Add(new(file, heading.Line + 1, "only the title is a `#` heading; make this a `##` step or a `###` sub-heading"));
                    break;
                case HeadingBlock { Level: 2 } heading:
                    steps.Add((heading, []));
                    break;
                default:
                    (steps.Count == 0 ? intro : steps[^1].Blocks).Add(block);
                    break;
            }
        }

        title ??= frontMatter.Title;
        if (string.IsNullOrWhiteSpace(title))
        {
            problems.Add(new(file, 1, "the runbook has no title: add `title:` to the front matter or a `# Title` line"));
        }
        if (steps.Count == 0)
        {
            problems.Add(new(file, Math.Max(1, document.LastChild?.Line + 1 ?? 1), "the runbook has no steps: each `## heading` is one step"));
        }
        var parsedSteps = steps.Select((s, i) => Step(markdown, file, i + 1, s.Heading, s.Blocks, problems)).ToList();
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        return (new Runbook
        {
            Id = frontMatter.Id!,
            Title = frontMatter.Title ?? title!,
            Services = frontMatter.Services,
            Match = frontMatter.Match,
            Severity = frontMatter.Severity,
            Owner = frontMatter.Owner,
            EstimatedMinutes = frontMatter.EstimatedMinutes,
            File = file,
            Markdown = markdown,
            Version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(markdown)))[..16],
            Document = document,
            Intro = intro,
            Steps = parsedSteps,
        }, problems);
    }

    /// <summary>The front-matter id's line, for reporting a duplicate.</summary>
    internal static int IdLine(string markdown) =>
        markdown.Split('\n').Select((line, i) => (line, i)).FirstOrDefault(l => l.line.TrimStart().StartsWith("id:", StringComparison.Ordinal)).i + 1;

    private static RunbookStep Step(string markdown, string file, int number, HeadingBlock heading, List<Block> blocks, List<RunbookProblem> problems)
    {
        var title = MarkdownText.Of(heading.Inline);
        if (title.Length == 0)
        {
            problems.Add(new(file, heading.Line + 1, $"step {number} has an empty heading"));
        }
        var checklist = blocks.SelectMany(b => b.Descendants<ListItemBlock>())
            .Where(MarkdownText.IsTaskItem)
            .Select(item => MarkdownText.Of(((ParagraphBlock)item[0]).Inline))
            .ToList();
        return new RunbookStep
        {
            Number = number,
            Title = title,
            Line = heading.Line + 1,
            Blocks = blocks,
            BodyMarkdown = string.Join("\n\n", blocks.Select(b => BodySource(markdown, b)).Where(s => s.Length > 0)),
            Checklist = checklist,
        };
    }

    /// <summary>A block's source, leaving out top-level checklist items (they become chat controls).</summary>
    private static string BodySource(string markdown, Block block)
    {
        if (block is not ListBlock list || !list.OfType<ListItemBlock>().Any(MarkdownText.IsTaskItem))
        {
            return MarkdownText.Source(markdown, block);
        }
        return string.Join("\n", list.OfType<ListItemBlock>().Where(i => !MarkdownText.IsTaskItem(i)).Select(i => MarkdownText.Source(markdown, i)));
    }
}
