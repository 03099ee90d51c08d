using System.Text.Encodings.Web;
using System.Text.Json;
using IncidentBot.Runbooks.Rendering;

namespace IncidentBot.Tests.Runbooks.Rendering;

public sealed class AdaptiveCardRendererTests
{
    // Relaxed escaping only so that the expected JSON below stays readable (☐, <, & as themselves).
    internal static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData("code block with language", "```bash\necho \"hi\"\nexit 1\n```",
        """[{"type":"CodeBlock","codeSnippet":"echo \"hi\"\nexit 1","language":"Bash","fallback":{"type":"TextBlock","text":"echo \"hi\"\nexit 1","fontType":"Monospace","wrap":true}}]""")]
    [InlineData("code block language mapping", "```SQL\nselect 1\n```\n```yaml\na: 1\n```\n```promql\nup\n```\n```cs\nx();\n```\n```\nplain\n```",
        """[{"type":"CodeBlock","codeSnippet":"select 1","language":"SQL","fallback":{"type":"TextBlock","text":"select 1","fontType":"Monospace","wrap":true}},{"type":"CodeBlock","codeSnippet":"a: 1","language":"YAML","fallback":{"type":"TextBlock","text":"a: 1","fontType":"Monospace","wrap":true}},{"type":"CodeBlock","codeSnippet":"up","language":"PlainText","fallback":{"type":"TextBlock","text":"up","fontType":"Monospace","wrap":true}},{"type":"CodeBlock","codeSnippet":"x();","language":"C#","fallback":{"type":"TextBlock","text":"x();","fontType":"Monospace","wrap":true}},{"type":"CodeBlock","codeSnippet":"plain","language":"PlainText","fallback":{"type":"TextBlock","text":"plain","fontType":"Monospace","wrap":true}}]""")]
    [InlineData("unknown language and indented code", "```rust\nfn main() {}\n```\n\n    indented",
        """[{"type":"CodeBlock","codeSnippet":"fn main() {}","language":"PlainText","fallback":{"type":"TextBlock","text":"fn main() {}","fontType":"Monospace","wrap":true}},{"type":"CodeBlock","codeSnippet":"indented","language":"PlainText","fallback":{"type":"TextBlock","text":"indented","fontType":"Monospace","wrap":true}}]""")]
    [InlineData("text around code", "Before:\n```sh\nls\n```\nAfter.",
        """[{"type":"TextBlock","text":"Before:","wrap":true},{"type":"CodeBlock","codeSnippet":"ls","language":"Bash","fallback":{"type":"TextBlock","text":"ls","fontType":"Monospace","wrap":true}},{"type":"TextBlock","text":"After.","wrap":true}]""")]
    [InlineData("inline code keeps backticks", "Run `kubectl get pods` now.",
        """[{"type":"TextBlock","text":"Run `kubectl get pods` now.","wrap":true}]""")]
    [InlineData("link", "See [the docs](https://example.com/docs).",
        """[{"type":"TextBlock","text":"See [the docs](https://example.com/docs).","wrap":true}]""")]
    [InlineData("autolinks", "<https://a.example> and https://b.example/x and <oncall@example.com>",
        """[{"type":"TextBlock","text":"[https://a.example](https://a.example) and [https://b.example/x](https://b.example/x) and [oncall@example.com](mailto:oncall@example.com)","wrap":true}]""")]
    [InlineData("image becomes a link", "![graph](https://img.example.com/g.png)",
        """[{"type":"TextBlock","text":"[graph](https://img.example.com/g.png)","wrap":true}]""")]
    [InlineData("URL that would end the link early", "![graph](<https://img.example.com/g (1).png>)",
        """[{"type":"TextBlock","text":"[graph](https://img.example.com/g%20%281%29.png)","wrap":true}]""")]
    [InlineData("checklist", "- [ ] open\n- [x] done",
        """[{"type":"TextBlock","text":"☐ open\n☑ done","wrap":true}]""")]
    [InlineData("emphasis", "**b1** __b2__ *i1* _i2_ ~~gone~~",
        """[{"type":"TextBlock","text":"**b1** **b2** _i1_ _i2_ ~~gone~~","wrap":true}]""")]
    [InlineData("nested list", "1. First\n   - a\n   - b\n2. Second",
        """[{"type":"TextBlock","text":"1. First\n    - a\n    - b\n2. Second","wrap":true}]""")]
    [InlineData("numbered list keeps its start", "3. three\n4. four",
        """[{"type":"TextBlock","text":"3. three\n4. four","wrap":true}]""")]
    [InlineData("heading inside a step", "## Step\nIntro\n### Check it\nText\n\nMore",
        """[{"type":"TextBlock","text":"Step","weight":"Bolder","size":"Medium","wrap":true},{"type":"TextBlock","text":"Intro","wrap":true},{"type":"TextBlock","text":"Check it","weight":"Bolder","size":"Medium","wrap":true},{"type":"TextBlock","text":"Text\n\nMore","wrap":true}]""")]
    [InlineData("paragraphs and lists share a TextBlock", "Para one\nsoft\\\nhard\n\n- item\n\n> quoted",
        """[{"type":"TextBlock","text":"Para one soft\nhard\n\n- item\n\n> quoted","wrap":true}]""")]
    [InlineData("< and > get a backslash (Teams reads <at> as a mention); JSON does the rest", "1 < 2 && 3 > 2 &amp; `a<b`",
        """[{"type":"TextBlock","text":"1 \\< 2 && 3 \\> 2 & `a\\<b`","wrap":true}]""")]
    [InlineData("raw HTML shown as text", "Press <kbd>Ctrl</kbd>\n\n<div>\nhi\n</div>",
        """[{"type":"TextBlock","text":"Press \\<kbd\\>Ctrl\\</kbd\\>\n\n\\<div\\> hi \\</div\\>","wrap":true}]""")]
    [InlineData("thematic break", "above\n\n---\n\nbelow",
        """[{"type":"TextBlock","text":"above","wrap":true},{"type":"TextBlock","text":" ","separator":true},{"type":"TextBlock","text":"below","wrap":true}]""")]
    [InlineData("front matter dropped", "---\nid: x\n---\nBody",
        """[{"type":"TextBlock","text":"Body","wrap":true}]""")]
    [InlineData("code inside a list item", "1. Run:\n   ```bash\n   ls\n   ```\n2. Then check",
        """[{"type":"TextBlock","text":"1. Run:","wrap":true},{"type":"CodeBlock","codeSnippet":"ls","language":"Bash","fallback":{"type":"TextBlock","text":"ls","fontType":"Monospace","wrap":true}},{"type":"TextBlock","text":"2. Then check","wrap":true}]""")]
    public void RendersGolden(string because, string markdown, string expectedJson)
    {
        var actual = AdaptiveCardRenderer.Render(markdown).ToJsonString(Readable);

        Assert.True(actual == expectedJson, $"{because}: expected\n{expectedJson}\nbut got\n{actual}");
    }

    [Fact]
    public void RendersGivenBlocksOnly()
    {
        var document = RunbookMarkdown.Parse("# Title\n\n## Step\nDo **it**.\n\n## Next\nLater.");

        var card = AdaptiveCardRenderer.Render(document.Skip(1).Take(2)).ToJsonString(Readable);

        Assert.Equal("""[{"type":"TextBlock","text":"Step","weight":"Bolder","size":"Medium","wrap":true},{"type":"TextBlock","text":"Do **it**.","wrap":true}]""", card);
    }
}
