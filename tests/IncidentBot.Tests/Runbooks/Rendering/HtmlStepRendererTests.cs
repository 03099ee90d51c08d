using IncidentBot.Runbooks.Rendering;

namespace IncidentBot.Tests.Runbooks.Rendering;

public sealed class HtmlStepRendererTests
{
    [Theory]
    [InlineData("code block with language", "```bash\necho \"hi\"\n```", "<pre><code class=\"language-bash\">echo &quot;hi&quot;\n</code></pre>\n")]
    [InlineData("inline code", "Run `ls -l`.", "<p>Run <code>ls -l</code>.</p>\n")]
    [InlineData("link", "[docs](https://example.com/docs)", "<p><a href=\"https://example.com/docs\">docs</a></p>\n")]
    [InlineData("autolinks", "<https://a.example> https://b.example", "<p><a href=\"https://a.example\">https://a.example</a> <a href=\"https://b.example\">https://b.example</a></p>\n")]
    [InlineData("checklist", "- [ ] open\n- [x] done",
        "<ul class=\"contains-task-list\">\n<li class=\"task-list-item\"><input disabled=\"disabled\" type=\"checkbox\" /> open</li>\n<li class=\"task-list-item\"><input disabled=\"disabled\" type=\"checkbox\" checked=\"checked\" /> done</li>\n</ul>\n")]
    [InlineData("emphasis", "**b** _i_ ~~s~~", "<p><strong>b</strong> <em>i</em> <del>s</del></p>\n")]
    [InlineData("nested list", "1. First\n   - a\n2. Second", "<ol>\n<li>First\n<ul>\n<li>a</li>\n</ul>\n</li>\n<li>Second</li>\n</ol>\n")]
    [InlineData("heading inside a step", "### Check", "<h3>Check</h3>\n")]
    [InlineData("escaping", "1 < 2 && 3 > 2", "<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>\n")]
    [InlineData("raw inline HTML shown as text", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n")]
    [InlineData("raw HTML block shown as text", "<div onclick=\"x()\">\nhi\n</div>", "<p>&lt;div onclick=&quot;x()&quot;&gt;\nhi\n&lt;/div&gt;</p>\n")]
    [InlineData("front matter dropped", "---\nid: x\n---\nBody", "<p>Body</p>\n")]
    public void RendersGolden(string because, string markdown, string expected)
    {
        var actual = HtmlStepRenderer.Render(markdown);

        Assert.True(actual == expected, $"{because}: expected\n{expected}\nbut got\n{actual}");
    }

    [Fact]
    public void RendersGivenBlocksOnly()
    {
        var document = RunbookMarkdown.Parse("# Title\n\n## Step\nDo **it**.\n\n## Next\nLater.");

        var html = HtmlStepRenderer.Render(document.Skip(1).Take(2));

        Assert.Equal("<h2>Step</h2>\n<p>Do <strong>it</strong>.</p>\n", html);
    }
}
