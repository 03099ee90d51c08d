using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Teams;

namespace IncidentBot.Tests.Security;

/// <summary>
/// An alert and commands full of Slack and Teams markup, through the whole bot to the fake Slack Web API and Bot
/// Connector: whatever the bot sends (messages, ephemeral answers, topic, purpose, bookmarks, thread starters,
/// cards) carries the markup as text only.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ChatPlatformAttackTests
{
    private const string Title = "<!channel> checkout <https://evil.example|https://good.example> <@U0ALICE> <at>Alice</at> [x](javascript:alert(1))";

    private static readonly string[] Commands =
    [
        "update <!here> moving traffic, see <https://evil.example|https://grafana.example> and [dash](javascript:window.__pwned=1)",
        "note <!channel> <@U0BOB> \\[click\\](javascript:alert(1)) <at>Bob</at>",
        "resolve <!everyone> fixed by [the fix](data:text/html,<script>alert(1)</script>)",
    ];

    /// <summary>Slack markup that would ping people or disguise a link if it reached Slack unescaped.</summary>
    private static readonly string[] SlackMarkup = ["<!channel>", "<!here>", "<!everyone>", "<@U0ALICE>", "<@U0BOB>", "<https://evil.example", "<javascript:", "<data:"];

    [Fact]
    public async Task SlackReceivesAlertAndCommandTextOnlyAsText()
    {
        await using var slack = await SlackHarness.StartAsync(settings: new() { ["Slack:AnnounceChannel"] = "incidents" });
        await IncidentBot.Tests.Slack.Fakes.SlackHttp.CreateChannelAsync(slack.Slack, "incidents");

        await PostAlertAsync(slack.App);
        await Eventually.TrueAsync(() => slack.Slack.Channels.Any(c => c.Name.StartsWith("inc-1")) && slack.Slack.CallsTo("conversations.setPurpose").Count > 0, "the incident channel");
        var channel = slack.Slack.Channels.Single(c => c.Name.StartsWith("inc-1"));
        await slack.SlashCommandAsync(channel.Id, "U0ALICE", "alice", Commands[0]);
        await slack.App.CommandAsync(1, "bob", Commands[1]);
        await slack.App.CommandAsync(1, "alice", Commands[2]);
        var sent = new List<string>();
        await Eventually.TrueAsync(() =>
        {
            sent = slack.Slack.Calls.Where(c => c.Error is null).SelectMany(c => Strings(c.Arguments, "text", "topic", "purpose", "title", "link")).ToList();
            return new[] { "&lt;!here&gt;", "&lt;!everyone&gt;" }.All(said => sent.Any(s => s.Contains(said)));
        }, "the update and the resolution in Slack (notes stay on the timeline)");
        Assert.Contains(sent, s => s.Contains("&lt;!channel&gt;")); // the text arrived, escaped
        foreach (var text in sent)
        {
            foreach (var markup in SlackMarkup)
            {
                Assert.DoesNotContain(markup, text);
            }
        }
        Assert.StartsWith("SEV1 · resolved · IC: nobody yet · &lt;!channel&gt; checkout &lt;https://evil.example|https://good.example&gt;", slack.Slack.FindChannel(channel.Id)!.Topic);
    }

    [Fact]
    public async Task TeamsReceivesAlertAndCommandTextWithNoLinkOrMention()
    {
        await using var teams = await TeamsHarness.StartAsync();

        await PostAlertAsync(teams.App);
        await Eventually.TrueAsync(() => teams.Connector.Conversations.Any(c => c.Activities.Count >= 2), "the incident thread", TimeSpan.FromSeconds(20));
        foreach (var command in Commands)
        {
            await teams.App.CommandAsync(1, "alice", command);
        }
        await Eventually.TrueAsync(() => teams.Connector.Conversations.SelectMany(c => c.Activities).Any(a => Json(a.Json).Contains("!everyone")), "the resolution in Teams", TimeSpan.FromSeconds(20));

        var activities = teams.Connector.Conversations.SelectMany(c => c.Activities).ToList();
        var starter = Assert.Single(activities, a => a.Text is not null);
        Assert.Equal("xml", starter.Json["textFormat"]!.GetValue<string>());
        Assert.DoesNotContain("<", starter.Text);
        Assert.DoesNotContain("[", starter.Text);
        Assert.Contains("&lt;at&gt;Alice&lt;/at&gt;", starter.Text);
        var cardTexts = activities.SelectMany(a => a.AdaptiveCards).SelectMany(card => Strings(card["body"]!, "text", "title", "value")).ToList();
        Assert.Contains(cardTexts, t => t.Contains("\\<!here\\>"));
        // The alert's one safe link is a link on the incident card, its title escaped; nothing else is.
        const string SafeLink = "[\\<!channel\\> dashboard](https://grafana.example/d/1)";
        Assert.Contains(cardTexts, t => t.Contains(SafeLink));
        foreach (var text in cardTexts)
        {
            RendererAttackTests.AssertNoCardMarkup(text.Replace(SafeLink, "", StringComparison.Ordinal));
        }
    }

    private static async Task PostAlertAsync(IncidentBotApplication app)
    {
        var alert = new JsonObject
        {
            ["title"] = Title,
            ["severity"] = "critical",
            ["description"] = "<script>window.__pwned=1</script> <!channel>",
            ["labels"] = new JsonObject { ["service"] = "checkout" },
            ["links"] = new JsonArray(new JsonObject { ["title"] = "<!channel> dashboard", ["url"] = "https://grafana.example/d/1" }),
        };
        (await app.PostRawAsync("/webhooks/generic", alert.ToJsonString())).EnsureSuccessStatusCode();
    }

    private static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Every string under any of the given property names, anywhere in the JSON (blocks sent as a JSON string too).</summary>
    private static IEnumerable<string> Strings(JsonNode node, params string[] properties) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Value is JsonValue v && v.TryGetValue<string>(out var s)
            ? p.Key == "blocks" ? Strings(JsonNode.Parse(s)!, properties) : properties.Contains(p.Key) ? [s] : []
            : p.Value is null ? [] : Strings(p.Value, properties)),
        JsonArray array => array.OfType<JsonNode>().SelectMany(item => Strings(item, properties)),
        _ => [],
    };
}
