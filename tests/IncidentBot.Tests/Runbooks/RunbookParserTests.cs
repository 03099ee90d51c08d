using IncidentBot.Incidents;
using IncidentBot.Runbooks;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Runbooks;

public sealed class RunbookParserTests
{
    public static TheoryData<string> ShippedRunbooks() =>
        new(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "runbooks"), "*.md").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(ShippedRunbooks))]
    public void EveryShippedRunbookParsesCompletely(string file)
    {
        var markdown = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "runbooks", file));

        var (runbook, problems) = RunbookParser.Parse(markdown, file);

        Assert.Empty(problems);
        Assert.NotNull(runbook);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), runbook.Id);
        Assert.InRange(runbook.Steps.Count, 5, 8);
        Assert.NotEmpty(runbook.Match);
        Assert.NotEmpty(runbook.Intro);
        Assert.NotNull(runbook.Severity);
        Assert.All(runbook.Steps, step =>
        {
            Assert.NotEmpty(step.Title);
            Assert.NotEmpty(step.Checklist);
            Assert.DoesNotContain("- [ ]", step.BodyMarkdown);
            Assert.StartsWith("## ", markdown.Split('\n')[step.Line - 1]);
        });
        Assert.Contains(runbook.Steps, s => s.BodyMarkdown.Contains("```"));
    }

    [Fact]
    public void FrontMatterTitleStepsAndChecklistAreRead()
    {
        var (runbook, problems) = RunbookParser.Parse("""
            ---
            id: cache-flush
            title: Flush the cache
            services: [web, api]
            match:
              alertname: CacheStale
              team: web
            severity: sev2
            owner: web-team
            estimatedMinutes: 5
            ---
            # Flush the cache
            Intro text.

            ## Check the hit rate
            Look at the dashboard.
            - [ ] hit rate noted
            - [x] dashboard open
            - plain bullet stays in the body

            ## Flush
            ```bash
            redis-cli FLUSHALL
            ```
            """, "cache-flush.md");

        Assert.Empty(problems);
        Assert.Equal(("cache-flush", "Flush the cache", Severity.Sev2, "web-team", 5), (runbook!.Id, runbook.Title, runbook.Severity!.Value, runbook.Owner, runbook.EstimatedMinutes!.Value));
        Assert.Equal(["web", "api"], runbook.Services);
        Assert.Equal("CacheStale", runbook.Match["alertname"]);
        Assert.Equal(["Check the hit rate", "Flush"], runbook.Steps.Select(s => s.Title));
        Assert.Equal([15, 21], runbook.Steps.Select(s => s.Line));
        Assert.Equal(["hit rate noted", "dashboard open"], runbook.Steps[0].Checklist);
        Assert.Equal("Look at the dashboard.\n\n- plain bullet stays in the body", runbook.Steps[0].BodyMarkdown);
        Assert.True(runbook.Matches(new Dictionary<string, string> { ["alertname"] = "CacheStale", ["team"] = "web", ["extra"] = "x" }));
        Assert.False(runbook.Matches(new Dictionary<string, string> { ["alertname"] = "CacheStale" }));
    }

    [Theory]
    [InlineData("# No front matter\n## Step\ntext", 1, "must start with YAML front matter")]
    [InlineData("---\nid: a\ntitle: a: b\n---\n# T\n## S\nx", 3, "front matter is not valid YAML")]
    [InlineData("---\nid: a\ntitle: T\nowner: me\ncolour: blue\n---\n# T\n## S\nx", 5, "unknown front-matter key `colour`")]
    [InlineData("---\nid: a\ntitle: T\nseverity: urgent\n---\n# T\n## S\nx", 4, "`severity` must be sev1")]
    [InlineData("---\nid: Not A Slug\ntitle: T\n---\n# T\n## S\nx", 2, "`id` must be lower-case")]
    [InlineData("---\ntitle: T\n---\n# T\n## S\nx", 1, "front matter has no `id`")]
    [InlineData("---\nid: a\ntitle: T\nmatch: [x]\n---\n# T\n## S\nx", 4, "`match` must map alert label names")]
    [InlineData("---\nid: a\ntitle: T\n---\n# T\nOnly an intro, no steps.\n", 6, "has no steps")]
    [InlineData("---\nid: a\ntitle: T\n---\n# T\n## S\nx\n# Second title\n", 8, "only the title is a `#` heading")]
    [InlineData("---\nid: a\ntitle: T\nestimatedMinutes: soon\n---\n# T\n## S\nx", 4, "`estimatedMinutes` must be a whole number")]
    public void BrokenRunbookIsReportedAtItsLine(string markdown, int line, string message)
    {
        var (runbook, problems) = RunbookParser.Parse(markdown, "broken.md");

        Assert.Null(runbook);
        var problem = Assert.Single(problems, p => p.Message.Contains(message));
        Assert.Equal(line, problem.Line);
        Assert.Equal($"broken.md:{line}: {problem.Message}", problem.ToString());
    }

    [Fact]
    public void DuplicateIdKeepsTheFirstFileAndReportsTheSecond()
    {
        var folder = Directory.CreateTempSubdirectory("runbooks-dup-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "a.md"), "---\nid: same\ntitle: A\n---\n# A\n## Step\nx\n");
            File.WriteAllText(Path.Combine(folder, "b.md"), "---\ntitle: B\nid: same\n---\n# B\n## Step\nx\n");

            var read = RunbookFolder.Read(folder);

            Assert.Equal("A", Assert.Single(read.Runbooks).Title);
            Assert.Equal("b.md:3: duplicate id `same`: a.md already uses it", Assert.Single(read.Problems).ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
