using IncidentBot.Runbooks.Rendering;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Tests.Runbooks.Rendering;

/// <summary>Renders every `##` step of the database failover runbook and checks what responders rely on.</summary>
public sealed class DatabaseFailoverStepTests
{
    // The runbook's fences are bash, sql and text.
    private static readonly string[] RunbookLanguages = ["Bash", "SQL", "PlainText"];

    public static TheoryData<string> StepTitles() => [.. RenderingSamples.Steps(RenderingSamples.DatabaseFailover).Select(step => step.Title)];

    [Fact]
    public void RunbookHasItsSevenSteps() => Assert.Equal(7, StepTitles().Count);

    [Theory]
    [MemberData(nameof(StepTitles))]
    public void SlackKeepsCodeLinksAndChecklists(string title)
    {
        var step = Step(title);
        var slack = SlackMrkdwnRenderer.Render(step.Blocks);
        var lines = slack.Split('\n');

        Assert.Equal($"*{title}*", lines[0]);
        var codeBlocks = CodeBlocks(step);
        Assert.Equal(2 * codeBlocks.Count, lines.Count(line => line == "```"));
        foreach (var code in codeBlocks)
        {
            Assert.Contains("```\n" + Escape(code.Lines.Lines[0].Slice.ToString()) + "\n", slack);
        }
        foreach (var link in Links(step))
        {
            Assert.Contains($"<{Escape(link.Url!)}|", slack);
        }
        Assert.Equal(Tasks(step).Count, lines.Count(line => line.TrimStart().StartsWith("☐ ", StringComparison.Ordinal)));
        Assert.DoesNotContain("**", slack);
        Assert.DoesNotContain("](", slack);
        Assert.DoesNotContain("[ ]", slack);
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("- ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StepTitles))]
    public void AdaptiveCardKeepsCodeLinksAndChecklists(string title)
    {
        var step = Step(title);
        var body = AdaptiveCardRenderer.Render(step.Blocks).Select(element => element!.AsObject()).ToList();

        Assert.Equal("TextBlock", (string?)body[0]["type"]);
        Assert.Equal(title, (string?)body[0]["text"]);
        Assert.Equal("Bolder", (string?)body[0]["weight"]);

        var cardCode = body.Where(element => (string?)element["type"] == "CodeBlock").ToList();
        var codeBlocks = CodeBlocks(step);
        Assert.Equal(codeBlocks.Count, cardCode.Count);
        foreach (var (code, element) in codeBlocks.Zip(cardCode))
        {
            Assert.Equal(code.Lines.ToString(), (string?)element["codeSnippet"]);
            Assert.Contains((string?)element["language"], RunbookLanguages);
        }

        var text = string.Join("\n\n", body.Where(element => (string?)element["type"] == "TextBlock").Select(element => (string?)element["text"]));
        foreach (var link in Links(step))
        {
            Assert.Contains($"]({link.Url})", text);
        }
        Assert.Equal(Tasks(step).Count, text.Split('\n').Count(line => line.TrimStart().StartsWith("☐ ", StringComparison.Ordinal)));
        Assert.DoesNotContain("[ ]", text);
    }

    [Theory]
    [MemberData(nameof(StepTitles))]
    public void HtmlKeepsCodeLinksAndChecklists(string title)
    {
        var step = Step(title);
        var html = HtmlStepRenderer.Render(step.Blocks);

        Assert.StartsWith($"<h2>{title}</h2>\n", html);
        foreach (var code in CodeBlocks(step))
        {
            Assert.Contains($"<pre><code class=\"language-{code.Info}\">", html);
        }
        foreach (var link in Links(step))
        {
            Assert.Contains($"<a href=\"{link.Url}\">", html);
        }
        Assert.Equal(Tasks(step).Count, Count(html, "<input disabled=\"disabled\" type=\"checkbox\" />"));
        Assert.DoesNotContain("**", html);
    }

    private static SampleStep Step(string title) =>
        RenderingSamples.Steps(RenderingSamples.DatabaseFailover).Single(step => step.Title == title);

    private static List<MarkdownObject> Nodes(SampleStep step) =>
        [.. step.Blocks.SelectMany(block => block.Descendants().Prepend(block))];

    private static List<FencedCodeBlock> CodeBlocks(SampleStep step) => [.. Nodes(step).OfType<FencedCodeBlock>()];

    private static List<LinkInline> Links(SampleStep step) => [.. Nodes(step).OfType<LinkInline>()];

    private static List<TaskList> Tasks(SampleStep step) => [.. Nodes(step).OfType<TaskList>()];

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static int Count(string text, string part) => text.Split(part).Length - 1;
}
