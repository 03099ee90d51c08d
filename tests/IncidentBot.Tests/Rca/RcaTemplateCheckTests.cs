using IncidentBot.Rca;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Rca;

public class RcaTemplateCheckTests
{
    private const string Unclosed = "# {{reference}}\n\n{{#each alerts}}\n- {{title}}\n\nThe end.\n";

    [Fact]
    public void Default_template_is_valid()
    {
        Assert.Equal(new RcaTemplateCheck(true, null, null), RcaGenerator.Check(RcaDefaultTemplate.Text));
    }

    [Fact]
    public void Default_template_matches_the_docs_copy()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "rca-template.md"));
        Assert.Equal(docs.ReplaceLineEndings("\n"), RcaDefaultTemplate.Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Unclosed_block_is_reported_at_its_opening_line()
    {
        var check = RcaGenerator.Check(Unclosed);

        Assert.False(check.IsValid);
        Assert.Equal(3, check.Line);
        Assert.Contains("'#each' was closed", check.Message);
    }

    [Fact]
    public void Constructor_throws_with_line_and_reason_so_the_caller_can_fall_back()
    {
        var e = Assert.Throws<RcaTemplateException>(() => new RcaGenerator(Unclosed));

        Assert.Equal(3, e.Line);
        Assert.Contains("'#each' was closed", e.Reason);
        Assert.StartsWith("RCA template line 3: ", e.Message);
    }

    [Theory]
    [InlineData("# {{reference}}\n{{#if isDrill}}\nDrill\n{{/each}}\n", 4, "'/each'")]
    [InlineData("# {{reference}}\n\n\n{{shout title}}\n", 4, "shout")]
    [InlineData("# {{reference}}\n{{#each actionItems}}\n- {{txet}}\n{{/each}}\n", 3, "txet")]
    [InlineData("# {{reference}}\n{{firstAlert.titel}}\n", 2, "titel")]
    [InlineData("{{!-- a comment with }} in it --}}\n# {{reference}}\n{{title\n", 3, null)]
    public void Broken_template_is_reported_at_its_line(string template, int line, string? inMessage)
    {
        var check = RcaGenerator.Check(template);

        Assert.False(check.IsValid);
        Assert.Equal(line, check.Line);
        Assert.NotNull(check.Message);
        if (inMessage is not null)
        {
            Assert.Contains(inMessage, check.Message);
        }
    }
}
