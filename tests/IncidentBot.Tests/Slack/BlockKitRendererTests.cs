using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Slack.Channels;
using IncidentBot.Slack.Messages;

namespace IncidentBot.Tests.Slack;

/// <summary>Neutral messages as Block Kit, and incident channel names within Slack's rules.</summary>
public sealed class BlockKitRendererTests
{
    private static readonly ChatMessage Step = new()
    {
        Kind = MessageKind.RunbookStep,
        IncidentNumber = 7,
        Blocks =
        [
            new HeaderBlock("INC-7 · Primary database failover — step 1 of 7: Confirm the primary is down"),
            new TextBlock("Run **both** checks:\n\n```bash\npg_isready -h db <primary>\n```\n\nSee [the docs](https://www.postgresql.org/docs/)."),
            new ChecklistBlock([new("Primary unreachable", false, "check database-failover 1"), new("Leader noted", true, "check database-failover 2")]),
            new ButtonsBlock([new("Done", "done database-failover", ButtonStyle.Primary), new("Skip", "skip database-failover")]),
        ],
    };

    [Fact]
    public void RunbookStepBecomesHeaderMrkdwnChecklistAndButtons()
    {
        var blocks = BlockKitRenderer.Blocks(Step);

        Assert.Equal(["header", "section", "section", "section", "actions"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        var body = blocks[1]!["text"]!["text"]!.GetValue<string>();
        Assert.Contains("*both*", body);
        Assert.Contains("```\npg_isready -h db &lt;primary&gt;\n```", body);
        Assert.Contains("<https://www.postgresql.org/docs/|the docs>", body);
        Assert.Equal("☐ Primary unreachable", blocks[2]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("check database-failover 1", blocks[2]!["accessory"]!["value"]!.GetValue<string>());
        Assert.Equal("Untick", blocks[3]!["accessory"]!["text"]!["text"]!.GetValue<string>());
        var buttons = blocks[4]!["elements"]!.AsArray();
        Assert.Equal(["done database-failover", "skip database-failover"], buttons.Select(b => b!["value"]!.GetValue<string>()));
        Assert.Equal("primary", buttons[0]!["style"]!.GetValue<string>());
        Assert.Null(buttons[1]!["style"]);
        var actionIds = blocks.SelectMany(b => b!["accessory"] is { } a ? [a] : b["elements"]?.AsArray().ToArray() ?? []).Select(e => e!["action_id"]!.GetValue<string>()).ToList();
        Assert.Equal(actionIds.Count, actionIds.Distinct().Count());
    }

    [Fact]
    public void DrillIsUnmistakable()
    {
        var drill = Step with { IsDrill = true };

        var blocks = BlockKitRenderer.Blocks(drill);

        Assert.Equal("context", blocks[0]!["type"]!.GetValue<string>());
        Assert.Contains("*DRILL*", blocks[0]!["elements"]![0]!["text"]!.GetValue<string>());
        Assert.StartsWith("[DRILL] INC-7", BlockKitRenderer.FallbackText(drill));
    }

    [Fact]
    public void FieldsAndLongTextStayWithinSlackLimits()
    {
        var message = new ChatMessage
        {
            Blocks = [new FieldsBlock(Enumerable.Range(1, 12).Select(i => new MessageField($"F{i}", "<b>")).ToList()), new TextBlock(string.Join("\n\n", Enumerable.Repeat(new string('x', 500), 12)))],
        };

        var blocks = BlockKitRenderer.Blocks(message);

        Assert.Equal(10, blocks[0]!["fields"]!.AsArray().Count);
        Assert.Equal("*F1*\n&lt;b&gt;", blocks[0]!["fields"]![0]!["text"]!.GetValue<string>());
        Assert.True(blocks.Count > 2);
        Assert.All(blocks.Skip(1), b => Assert.True(b!["text"]!["text"]!.GetValue<string>().Length <= 3000));
    }

    [Theory]
    [InlineData(42, "Checkout 5xx above 5%!", false, 1, "inc-42-checkout-5xx-above-5")]
    [InlineData(7, "Base de données — réplica en retard", false, 1, "inc-7-base-de-donnees-replica-en-retard")]
    [InlineData(3, "Failover drill", true, 1, "drill-3-failover-drill")]
    [InlineData(42, "Checkout errors", false, 2, "inc-42-checkout-errors-2")]
    [InlineData(9, "!!!", false, 1, "inc-9")]
    public void ChannelNamesFollowSlackRules(int number, string title, bool drill, int attempt, string expected)
    {
        var name = SlackChannelNames.For(new Incident { Number = number, Title = title, IsDrill = drill }, attempt);

        Assert.Equal(expected, name);
    }

    [Fact]
    public void LongTitlesAreCutToEightyCharacters()
    {
        var name = SlackChannelNames.For(new Incident { Number = 12345, Title = string.Join(" ", Enumerable.Repeat("database", 30)) }, attempt: 11);

        Assert.True(name.Length <= 80, name);
        Assert.StartsWith("inc-12345-database-", name);
        Assert.EndsWith("-11", name);
        Assert.Matches("^[a-z0-9_-]+$", name);
    }
}
