using IncidentBot.Runbooks.Rendering;

namespace IncidentBot.Tests.Runbooks.Rendering;

public sealed class SlackMrkdwnRendererTests
{
    [Theory]
    [InlineData("code block with language", "```bash\necho \"hi\"\nexit 1\n```", "```\necho \"hi\"\nexit 1\n```")]
    [InlineData("indented code block", "    kubectl get pods", "```\nkubectl get pods\n```")]
    [InlineData("inline code", "Run `kubectl get pods` now.", "Run `kubectl get pods` now.")]
    [InlineData("link", "See [the docs](https://example.com/docs).", "See <https://example.com/docs|the docs>.")]
    [InlineData("link label keeps no markup", "[**bold** `code`](https://x.example)", "<https://x.example|bold code>")]
    [InlineData("angle autolink", "<https://example.com/status>", "<https://example.com/status>")]
    [InlineData("bare URL", "Check https://status.example.com/x now", "Check <https://status.example.com/x> now")]
    [InlineData("email autolink", "<oncall@example.com>", "<mailto:oncall@example.com|oncall@example.com>")]
    [InlineData("image", "![graph](https://img.example.com/g.png)", "<https://img.example.com/g.png|graph>")]
    [InlineData("checklist", "- [ ] open\n- [x] done", "☐ open\n☑ done")]
    [InlineData("emphasis", "**b1** __b2__ *i1* _i2_ ~~gone~~", "*b1* *b2* _i1_ _i2_ ~gone~")]
    [InlineData("bold inside bold", "**all *of* __this__**", "*all _of_ this*")]
    [InlineData("bullets", "- one\n- two", "• one\n• two")]
    [InlineData("numbered list keeps its start", "3. three\n4. four", "3. three\n4. four")]
    [InlineData("nested list", "1. First\n   - a\n   - b\n2. Second\n   1. deep", "1. First\n    ◦ a\n    ◦ b\n2. Second\n    1. deep")]
    [InlineData("nested checklist", "- parent\n  - [ ] child", "• parent\n    ☐ child")]
    [InlineData("heading inside a step", "## Step\nIntro\n### Check it\nText", "*Step*\n\nIntro\n\n*Check it*\n\nText")]
    [InlineData("paragraphs and line breaks", "a\nb\\\nc\n\nd", "a\nb\nc\n\nd")]
    [InlineData("escaping", "1 < 2 && 3 > 2", "1 &lt; 2 &amp;&amp; 3 &gt; 2")]
    [InlineData("escaping in code", "`a<b&c>d`\n\n```\nx && y > z\n```", "`a&lt;b&amp;c&gt;d`\n\n```\nx &amp;&amp; y &gt; z\n```")]
    [InlineData("escaping in links", "[a&b](https://x.example/?q=1&r=2)", "<https://x.example/?q=1&amp;r=2|a&amp;b>")]
    [InlineData("entity", "fish &amp; chips &lt;3", "fish &amp; chips &lt;3")]
    [InlineData("raw inline HTML shown as text", "Press <kbd>Ctrl</kbd> <script>x()</script>", "Press &lt;kbd&gt;Ctrl&lt;/kbd&gt; &lt;script&gt;x()&lt;/script&gt;")]
    [InlineData("raw HTML block shown as text", "<div class=\"x\">\nhi\n</div>", "&lt;div class=\"x\"&gt;\nhi\n&lt;/div&gt;")]
    [InlineData("quote", "> first\n> second\n>\n> third", "> first\n> second\n> third")]
    [InlineData("thematic break", "above\n\n---\n\nbelow", "above\n\n———\n\nbelow")]
    [InlineData("front matter dropped", "---\nid: x\n---\n# Title", "*Title*")]
    [InlineData("reference link", "[docs][d]\n\n[d]: https://d.example", "<https://d.example|docs>")]
    [InlineData("unclosed bracket", "a [b c", "a [b c")]
    public void RendersGolden(string because, string markdown, string expected)
    {
        var actual = SlackMrkdwnRenderer.Render(markdown);

        Assert.True(actual == expected, $"{because}: expected\n{expected}\nbut got\n{actual}");
    }

    [Fact]
    public void RendersGivenBlocksOnly()
    {
        var document = RunbookMarkdown.Parse("# Title\n\n## Step\nDo **it**.\n\n## Next\nLater.");

        var slack = SlackMrkdwnRenderer.Render(document.Skip(1).Take(2));

        Assert.Equal("*Step*\n\nDo *it*.", slack);
    }
}
