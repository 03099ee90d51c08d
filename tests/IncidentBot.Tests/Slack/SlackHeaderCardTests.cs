using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// In Slack the incident's header card (the pinned summary) is one message edited with chat.update whenever what
/// it shows changes, against a fake Slack Web API that keeps every version; buttons that no longer apply go.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackHeaderCardTests
{
    private const string Channel = "inc-1-payments-failing";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheHeaderCardIsEditedInPlaceAfterAckRoleAndResolveAndItsButtonsFollow()
    {
        await using var slack = await SlackHarness.StartAsync();
        await slack.App.CommandAsync(null, "alice", "declare Payments failing sev2");
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Count == 1, "the header card", Wait);
        var channel = slack.Slack.FindChannel(Channel)!;
        var card = slack.Slack.MessagesIn(Channel)[0];
        Assert.Equal(["Acknowledge", "I'm incident commander", "Resolve"], Buttons(card.Blocks));

        await slack.SlashCommandAsync(channel.Id, "U0ALICE", "alice", "ack");
        await Eventually.TrueAsync(() => Card(slack, card.Ts).Contains("acknowledged"), "the card to say acknowledged", Wait);
        Assert.Equal(["I'm incident commander", "Resolve"], Buttons(Current(slack, card.Ts).Blocks));

        await slack.ButtonAsync(channel.Id, "U0BOB", "bob", "role commander");
        await Eventually.TrueAsync(() => Card(slack, card.Ts).Contains("@bob"), "the card to name the commander", Wait);
        Assert.Equal(["Resolve"], Buttons(Current(slack, card.Ts).Blocks));

        await slack.App.CommandAsync(1, "bob", "role comms @carol");
        await Eventually.TrueAsync(() => Card(slack, card.Ts).Contains("Communications lead: @carol"), "the card to list the comms lead", Wait);

        await slack.ButtonAsync(channel.Id, "U0BOB", "bob", "resolve");
        await Eventually.TrueAsync(() => Card(slack, card.Ts).Contains("resolved"), "the card to say resolved", Wait);
        var resolved = Current(slack, card.Ts);
        Assert.Equal(["Write the review"], Buttons(resolved.Blocks));
        Assert.DoesNotContain("Acknowledge", resolved.Blocks!.ToJsonString());

        // One header card, edited once per change (declare, ack, commander, comms lead, resolve), pinned once.
        var headers = slack.Slack.MessagesIn(Channel).Where(m => m.Text!.StartsWith("INC-1 · ", StringComparison.Ordinal)).ToList();
        Assert.Equal(card.Ts, Assert.Single(headers).Ts);
        Assert.Equal(4, resolved.History.Count);
        Assert.Equal([card.Ts], slack.Slack.FindChannel(Channel)!.Pins);
        Assert.Contains("Acknowledge", resolved.History[0].Blocks!.ToJsonString());
        Assert.DoesNotContain("Acknowledge", resolved.History[1].Blocks!.ToJsonString());
    }

    [Fact]
    public async Task AStaleAcknowledgeButtonGetsAFriendlyPrivateAnswerAndNothingIsPosted()
    {
        await using var slack = await SlackHarness.StartAsync(settings: new() { ["Slack:InviteUsers:0"] = "U0BOB" });
        await slack.App.CommandAsync(null, "alice", "declare Payments failing sev2");
        await slack.App.CommandAsync(1, "alice", "resolve");
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Count == 2 && Card(slack, slack.Slack.MessagesIn(Channel)[0].Ts).Contains("resolved"), "the resolution", Wait);
        var channel = slack.Slack.FindChannel(Channel)!;

        var (response, _) = await slack.ButtonAsync(channel.Id, "U0BOB", "bob", "ack");

        Assert.True(response.IsSuccessStatusCode);
        await Eventually.TrueAsync(() => slack.Slack.Ephemerals.Any(e => e.User == "U0BOB"), "the private answer", Wait);
        var answer = Assert.Single(slack.Slack.Ephemerals, e => e.User == "U0BOB");
        Assert.Contains("INC-1 is already resolved since ", answer.Text);
        Assert.Contains("nothing to acknowledge", answer.Text);
        Assert.Equal(2, slack.Slack.MessagesIn(Channel).Count);
        Assert.Equal("resolved", (await slack.App.GetIncidentAsync(1)).Status);
    }

    private static Fakes.FakeMessage Current(SlackHarness slack, string ts) => slack.Slack.MessagesIn(Channel).Single(m => m.Ts == ts);

    private static string Card(SlackHarness slack, string ts) => Current(slack, ts).Blocks?.ToJsonString() ?? "";

    private static List<string> Buttons(JsonArray? blocks) =>
        (blocks ?? []).OfType<JsonObject>().Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => b["elements"]!.AsArray().OfType<JsonObject>())
            .Where(e => (string?)e["type"] == "button").Select(e => (string)e["text"]!["text"]!).ToList();
}
