using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Runbooks.Rendering;

namespace IncidentBot.Tests.Security;

/// <summary>
/// Every Markdown renderer (console and review HTML, Slack mrkdwn, Adaptive Card text) given the attack corpus: no
/// unsafe target becomes a link, no text becomes a tag or mention; safe targets still become links.
/// </summary>
public sealed partial class RendererAttackTests
{
    [Theory]
    [MemberData(nameof(AttackCorpus.UnsafeLinks), MemberType = typeof(AttackCorpus))]
    public void HtmlMakesNoLinkOrImageOfAnUnsafeTarget(string markdown)
    {
        var html = HtmlStepRenderer.Render(markdown);
        AssertSafeHtml(html);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(AttackCorpus.UnsafeLinks), MemberType = typeof(AttackCorpus))]
    public void ReviewHtmlMakesNoLinkOrImageOfAnUnsafeTarget(string markdown)
    {
        var html = HtmlStepRenderer.Render($"| what | where |\n|---|---|\n| x | {markdown.Replace("\n", " ")} |\n\n{markdown}", IncidentBot.Rca.RcaEndpoints.ReviewPipeline);
        AssertSafeHtml(html);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(AttackCorpus.UnsafeLinks), MemberType = typeof(AttackCorpus))]
    public void SlackMakesNoLinkOfAnUnsafeTarget(string markdown)
    {
        // In mrkdwn every link and mention starts with "<"; text has it as &lt;.
        Assert.DoesNotContain("<", SlackMrkdwnRenderer.Render(markdown));
    }

    [Theory]
    [MemberData(nameof(AttackCorpus.UnsafeLinks), MemberType = typeof(AttackCorpus))]
    public void AdaptiveCardsMakeNoLinkOfAnUnsafeTarget(string markdown)
    {
        AssertNoCardMarkup(CardText(AdaptiveCardRenderer.Render(markdown)));
    }

    [Theory]
    [MemberData(nameof(AttackCorpus.Markup), MemberType = typeof(AttackCorpus))]
    public void MarkupWrittenAsTextStaysTextEverywhere(string text)
    {
        AssertSafeHtml(HtmlStepRenderer.Render(text));
        Assert.DoesNotContain("<", SlackMrkdwnRenderer.Render(text));
        AssertNoCardMarkup(CardText(AdaptiveCardRenderer.Render(text)));
    }

    [Theory]
    [MemberData(nameof(SafeLinks))]
    public void SafeTargetsStayLinksEverywhere(string url)
    {
        var markdown = $"see [the dashboard](<{url}>) now";

        Assert.Matches("<a href=\"[^\"]+\">the dashboard</a>", HtmlStepRenderer.Render(markdown));
        Assert.Matches(@"<[^<>|]+\|the dashboard>", SlackMrkdwnRenderer.Render(markdown));
        Assert.Matches(@"\[the dashboard\]\([^)]+\)", CardText(AdaptiveCardRenderer.Render(markdown)));
    }

    [Fact]
    public void AnUnsafeLinkKeepsItsWordsAsText()
    {
        const string markdown = "open [the **runbook**](javascript:alert(1)) and <vbscript:msgbox(1)>";

        Assert.Equal("<p>open the <strong>runbook</strong> and vbscript:msgbox(1)</p>\n", HtmlStepRenderer.Render(markdown));
        Assert.Equal("open the *runbook* and vbscript:msgbox(1)", SlackMrkdwnRenderer.Render(markdown));
        Assert.Equal("open the **runbook** and vbscript:msgbox(1)", CardText(AdaptiveCardRenderer.Render(markdown)));
    }

    [Fact]
    public void TheCorpusReallyReachesTheLinkRenderers() =>
        Assert.True(AttackCorpus.UnsafeLinks().Count >= 100, $"only {AttackCorpus.UnsafeLinks().Count} unsafe links parse as links");

    public static TheoryData<string> SafeLinks() => new(AttackCorpus.SafeUrls);

    /// <summary>Text is encoded, so any tag is one the renderer wrote: only formatting tags, never a link, image or script.</summary>
    internal static void AssertSafeHtml(string html)
    {
        foreach (Match tag in Tag().Matches(html))
        {
            Assert.Contains(tag.Groups["name"].Value.ToLowerInvariant(), AllowedTags);
        }
        Assert.DoesNotMatch(EventAttribute(), html);
    }

    /// <summary>No `[text](url)` link and no `&lt;` (mentions, autolinks, HTML) that a backslash does not escape.</summary>
    internal static void AssertNoCardMarkup(string text)
    {
        Assert.DoesNotMatch(CardLink(), text);
        Assert.DoesNotMatch(UnescapedAngle(), text);
    }

    internal static string CardText(JsonArray body) =>
        string.Join("\n", body.Select(e => e?["type"]?.GetValue<string>() == "TextBlock" ? e["text"]!.GetValue<string>() : ""));

    private static readonly string[] AllowedTags = ["p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "del", "input", "table", "thead", "tbody", "tr", "th", "td"];

    [GeneratedRegex(@"</?(?<name>[A-Za-z][A-Za-z0-9]*)")]
    private static partial Regex Tag();

    [GeneratedRegex(@"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventAttribute();

    [GeneratedRegex(@"(?<!\\)\[[^\]]*(?<!\\)\]\(")]
    private static partial Regex CardLink();

    [GeneratedRegex(@"(?<!\\)<")]
    private static partial Regex UnescapedAngle();
}
