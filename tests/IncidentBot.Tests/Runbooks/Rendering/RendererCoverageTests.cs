using System.Text.Json;
using IncidentBot.Runbooks.Rendering;
using IncidentBot.Runbooks.Rendering.AdaptiveCards;
using Markdig.Extensions.TaskLists;
using Markdig.Extensions.Yaml;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Tests.Runbooks.Rendering;

/// <summary>Markdig silently drops a leaf node that no object renderer accepts; these tests make that loud.</summary>
public sealed class RendererCoverageTests
{
    public static TheoryData<string> Samples()
    {
        var samples = new TheoryData<string> { "kitchen-sink" };
        foreach (var (name, _) in RenderingSamples.Runbooks())
        {
            samples.Add(name);
        }
        return samples;
    }

    [Fact]
    public void RunbooksFolderHasRunbooks() => Assert.NotEmpty(RenderingSamples.Runbooks());

    [Fact]
    public void KitchenSinkHasTheNodesThatAreEasyToForget()
    {
        var types = RunbookMarkdown.Parse(RenderingSamples.KitchenSink).Descendants().Select(node => node.GetType()).ToHashSet();

        Type[] expected =
        [
            typeof(YamlFrontMatterBlock), typeof(HeadingBlock), typeof(ParagraphBlock), typeof(FencedCodeBlock),
            typeof(CodeBlock), typeof(ListBlock), typeof(ListItemBlock), typeof(QuoteBlock), typeof(ThematicBreakBlock),
            typeof(LinkReferenceDefinitionGroup), typeof(LinkReferenceDefinition), typeof(LiteralInline),
            typeof(EmphasisInline), typeof(CodeInline), typeof(LinkInline), typeof(AutolinkInline), typeof(LineBreakInline),
            typeof(HtmlEntityInline), typeof(LinkDelimiterInline), typeof(TaskList),
        ];
        Assert.All(expected, type => Assert.Contains(type, types));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SlackHasARendererForEveryNode(string sample)
    {
        AssertEveryNodeAccepted(new SlackMrkdwnRenderer(TextWriter.Null), Markdown(sample));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void AdaptiveCardsHaveARendererForEveryNode(string sample)
    {
        AssertEveryNodeAccepted(new AdaptiveCardMarkdownRenderer(), Markdown(sample));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void NoTextIsLost(string sample)
    {
        var document = RunbookMarkdown.Parse(Markdown(sample));
        var slack = SlackMrkdwnRenderer.Render(document);
        var card = AdaptiveCardRenderer.Render(document).ToJsonString(AdaptiveCardRendererTests.Readable);

        foreach (var literal in document.Descendants().OfType<LiteralInline>().Select(node => node.Content.ToString().Trim()))
        {
            var slackText = literal.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
            Assert.Contains(slackText, slack);
            Assert.Contains(JsonSerializer.Serialize(AdaptiveCardText.Escape(literal), AdaptiveCardRendererTests.Readable).Trim('"'), card);
        }
    }

    private static string Markdown(string sample) =>
        sample == "kitchen-sink"
            ? RenderingSamples.KitchenSink
            : File.ReadAllText(Path.Combine(RenderingSamples.RunbooksFolder, sample));

    private static void AssertEveryNodeAccepted(RendererBase renderer, string markdown)
    {
        var missing = RunbookMarkdown.Parse(markdown).Descendants()
            .Select(node => node.GetType())
            .Distinct()
            .Where(type => !renderer.ObjectRenderers.Any(objectRenderer => objectRenderer.Accept(renderer, type)))
            .Select(type => type.Name)
            .ToList();

        Assert.True(missing.Count == 0, $"{renderer.GetType().Name} has no renderer for: {string.Join(", ", missing)}");
    }
}
