using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IncidentBot.Chat;
using IncidentBot.Chat.Commands;
using IncidentBot.Incidents;
using IncidentBot.Slack.Messages;
using IncidentBot.Teams.Messages;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams;

namespace IncidentBot.Tests.Chat;

/// <summary>
/// <c>timeline</c> (<c>INC-n timeline</c> outside an incident): the last 20 entries with who, when and what, a link
/// to the console for the rest, and on Slack and Teams every text from people and alerts shown as text.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TimelineCommandTests
{
    private const string PublicUrl = "https://incidents.example.com/";

    [Theory]
    [InlineData("timeline", null)]
    [InlineData("TIMELINE", null)]
    [InlineData("/incident timeline", null)]
    [InlineData("INC-4 timeline", 4)]
    [InlineData("#12 timeline", 12)]
    public void TimelineIsACommand(string text, int? incident)
    {
        var parsed = CommandParser.Parse(text);

        var command = Assert.IsType<ShowTimelineCommand>(parsed.Command);
        Assert.Equal(incident, command.IncidentNumber);
        Assert.True(command.NeedsIncident);
    }

    [Fact]
    public void TimelineTakesNothingAfterIt()
    {
        var parsed = CommandParser.Parse("timeline all");

        Assert.Null(parsed.Command);
        Assert.Contains("Usage: `timeline`", parsed.Problem);
    }

    [Fact]
    public async Task HelpListsIt()
    {
        await using var app = new IncidentBotApplication();

        var reply = await app.CommandAsync(null, "alice", "help");

        Assert.Contains("`timeline` — the last 20 timeline entries, with a link to the rest", reply.AllText);
    }

    [Fact]
    public async Task ItAnswersWithTheLastTwentyEntriesAndALinkToTheConsole()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:PublicUrl"] = PublicUrl });
        await app.CommandAsync(null, "bob", "declare Checkout errors sev2");
        for (var i = 1; i <= 30; i++)
        {
            Assert.True((await app.CommandAsync(1, i % 2 == 0 ? "bob" : "carol", $"note finding {i}")).Ok);
        }
        var stored = (await app.GetIncidentAsync(1)).Timeline!;

        var reply = await app.CommandAsync(1, "alice", "timeline");

        Assert.True(reply.Ok, reply.AllText);
        var message = Assert.Single(reply.Messages);
        Assert.Equal("requester", message.Audience);
        Assert.Contains($"INC-1 · SEV2 · Checkout errors — timeline, last 20 of {stored.Count}", message.Text);
        var lines = message.Text.Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, lines.Count);
        // The newest twenty, oldest first, each with when, who and what.
        for (var i = 0; i < 20; i++)
        {
            var entry = stored[stored.Count - 20 + i];
            Assert.Contains($"`{entry.At:yyyy-MM-dd HH:mm:ss} UTC`", lines[i]);
            Assert.Contains($"**{entry.Actor}**", lines[i]);
            Assert.EndsWith($"note: finding {i + 11}", lines[i]);
        }
        Assert.DoesNotContain("finding 10\n", message.Text + "\n");
        Assert.Contains($"[INC-1 in the web console]({PublicUrl}#/incidents/1)", message.Text);
    }

    [Fact]
    public async Task AShortTimelineIsShownWholeAndWithoutAPublicAddressItSaysWhereTheRestIs()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "bob", "declare Checkout errors");
        await app.CommandAsync(1, "bob", "ack");

        var reply = await app.CommandAsync(null, "alice", "INC-1 timeline");

        Assert.True(reply.Ok, reply.AllText);
        Assert.Contains("INC-1 · SEV3 · Checkout errors — timeline\n", reply.AllText);
        Assert.Contains("**bob** · declared: ", reply.AllText);
        Assert.Contains("**bob** · acknowledged: Acknowledged by bob", reply.AllText);
        Assert.Contains("The whole timeline is on INC-1's page in the web console.", reply.AllText);
        Assert.DoesNotContain("](", reply.AllText);
    }

    [Fact]
    public async Task OutsideAnIncidentItSaysHowToNameOne()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "bob", "declare Checkout errors");

        var reply = await app.CommandAsync(null, "alice", "timeline");

        Assert.False(reply.Ok);
        Assert.Contains("`INC-1 timeline`", reply.AllText);
        Assert.False((await app.CommandAsync(null, "alice", "INC-9 timeline")).Ok);
    }

    /// <summary>Text people and alerts put on timelines, written to become markup, mentions or links on some platform.</summary>
    public static TheoryData<string> Attacks =>
    [
        "<!channel> wake up",
        "<!here|here> and <@U123> and <#C123>",
        "<https://evil.example|click me>",
        "[click](javascript:alert(1))",
        "![img](https://evil.example/x.png)",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ ~~gone~~ `code`",
        "```\nfenced\n```",
        "# heading\n- list\n> quote",
        "line one\nline two\r\nline three",
        "&lt;already escaped&gt; &amp;",
        "https://auto.example/link and www.example.com",
        "@channel @here",
        "\\*escaped\\* \\",
        "| a | b |\n|---|---|",
        new string('x', 5000),
    ];

    private static ChatMessage Timeline(string text) => TimelineMessages.Recent(
        new Incident { Number = 7, Title = "Checkout <b>errors</b>", Severity = Severity.Sev2 },
        Enumerable.Range(1, 25).Select(i => new TimelineEntry
        {
            Id = i,
            IncidentNumber = 7,
            At = new DateTimeOffset(2026, 12, 6, 3, i, 0, TimeSpan.Zero),
            Actor = i == 25 ? text : $"user{i}",
            Kind = i % 2 == 0 ? TimelineKinds.Note : "some-future-kind",
            Text = i >= 24 ? text : $"entry {i}",
        }).ToList(),
        $"{PublicUrl}#/incidents/7");

    [Theory]
    [MemberData(nameof(Attacks))]
    public void OnSlackEntriesAreTextWithinBlockKitLimitsAndTheLinkIsThere(string text)
    {
        var message = Timeline(text);

        var blocks = BlockKitRenderer.Blocks(message, $"{PublicUrl}#/incidents/7");

        var mrkdwn = string.Join("\n", blocks.Select(b => b!["text"]?["text"]?.GetValue<string>() ?? ""));
        Assert.Equal("header", blocks[0]!["type"]!.GetValue<string>());
        Assert.Equal(20, mrkdwn.Split('\n').Count(l => l.StartsWith("• ", StringComparison.Ordinal) || l.StartsWith("- ", StringComparison.Ordinal)));
        Assert.Contains("entry 6\n", mrkdwn);
        Assert.DoesNotContain("entry 5\n", mrkdwn);
        Assert.Contains($"<{PublicUrl}#/incidents/7|INC-7 in the web console>", mrkdwn);
        // The only links and mentions are the console's: nothing from the entries became one.
        var angle = mrkdwn.Split('<').Skip(1).Select(part => part.Split('>')[0]).ToList();
        Assert.Equal([$"{PublicUrl}#/incidents/7|INC-7 in the web console"], angle);
        Assert.DoesNotContain("javascript:", string.Join("", angle));
        Assert.True(blocks.ToJsonString().Length <= SlackMessageBudget.MaxBlocksJson + 2000, "blocks within Slack's budget");
        Assert.All(blocks.Where(b => b!["text"]?["type"]?.GetValue<string>() == "mrkdwn"), b => Assert.True(b!["text"]!["text"]!.GetValue<string>().Length <= 3000));
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void OnTeamsEntriesAreTextInAValidCardAndTheLinkIsThere(string text)
    {
        var message = Timeline(text);

        var activity = AdaptiveCardMessageRenderer.Activity(message, $"{PublicUrl}#/incidents/7");

        var card = activity["attachments"]![0]!["content"]!.AsObject();
        AdaptiveCardSchemaTests.AssertValid(card, "timeline card");
        var texts = TextsOf(card).ToList();
        var all = string.Join("\n", texts);
        Assert.Contains("entry 6", all);
        Assert.DoesNotContain("entry 5", all);
        Assert.Contains($"[INC-7 in the web console]({PublicUrl}#/incidents/7)", all);
        // Teams reads `[text](url)` as a link and `<at>` as a mention unless each bracket is backslash-escaped: the
        // only link is the console's, and no bracket from an entry is left bare.
        Assert.Single(Regex.Matches(all, @"(?<!\\)\]\("));
        Assert.Empty(Regex.Matches(all, @"(?<!\\)[<>]"));
    }

    private static IEnumerable<string> TextsOf(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["text"] is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    yield return text;
                }
                foreach (var child in o.Select(p => p.Value))
                {
                    foreach (var t in TextsOf(child))
                    {
                        yield return t;
                    }
                }
                break;
            case JsonArray a:
                foreach (var t in a.SelectMany(TextsOf))
                {
                    yield return t;
                }
                break;
        }
    }
}
