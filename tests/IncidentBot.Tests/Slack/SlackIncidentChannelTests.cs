using System.Net;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;
using static IncidentBot.Tests.Slack.Fakes.SlackHttp;

namespace IncidentBot.Tests.Slack;

/// <summary>An alert becomes a Slack incident channel, and Slack drives the runbook, against a fake Slack Web API.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackIncidentChannelTests
{
    private const string Channel = "inc-1-orders-primary-database-is-down";

    [Fact]
    public async Task AlertOpensAChannelWithRespondersTopicPinnedSummaryBookmarksAndAnnouncement()
    {
        await using var slack = await SlackHarness.StartAsync(settings: new()
        {
            ["Slack:InviteUsers:0"] = "U0ALICE",
            ["Slack:InviteByService:orders-db:0"] = "bob@example.com",
            ["Slack:InviteByService:orders-db:1"] = "nobody@example.com",
            ["Slack:AnnounceChannel"] = "incidents",
        });
        var announce = await CreateChannelAsync(slack.Slack, "incidents");

        await slack.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown.Replace("\"annotations\":{", "\"annotations\":{\"runbook_url\":\"https://wiki.example/db\","));

        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Count >= 3, "the summary, runbook intro and first step in the channel");
        var channel = slack.Slack.FindChannel(Channel)!;
        Assert.Contains("U0ALICE", channel.Members);
        Assert.Contains("U0BOB", channel.Members); // looked up by email; the unknown email is skipped
        Assert.Equal("SEV1 · triggered · IC: nobody yet · Orders primary database is down", channel.Topic);
        var messages = slack.Slack.MessagesIn(Channel);
        Assert.Contains("INC-1 · SEV1 · Orders primary database is down", messages[0].Text);
        Assert.Equal([messages[0].Ts], channel.Pins);
        Assert.Contains(channel.Bookmarks, b => b.Link == "https://wiki.example/db");
        Assert.Contains("step 1 of 7", messages[2].Text);
        var announcement = Assert.Single(slack.Slack.MessagesIn(announce));
        Assert.Contains($"<#{channel.Id}>", announcement.Text);
        Assert.Equal(0, slack.Slack.RateLimitedResponses);
        var incident = await slack.App.GetIncidentAsync(1);
        Assert.Contains(new ChannelView("slack", channel.Id, $"#{Channel}"), incident.Channels);
    }

    [Fact]
    public async Task TakenChannelNameGetsASuffix()
    {
        await using var slack = await SlackHarness.StartAsync(new FakeSlackOptions { TakenChannelNames = [Channel] });

        await slack.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);

        await Eventually.TrueAsync(() => slack.Slack.FindChannel($"{Channel}-2") is not null, "the channel with a suffix");
        Assert.Single(slack.Slack.CallsTo("conversations.create"), c => c.Error is null);
    }

    [Fact]
    public async Task SlashCommandAndButtonEachMoveTheRunbookAndTheStepIsEditedInPlace()
    {
        await using var slack = await SlackHarness.StartAsync();
        await slack.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Any(m => m.Text?.Contains("step 1 of 7") == true), "the first step");
        var channelId = slack.Slack.FindChannel(Channel)!.Id;
        var stepMessage = slack.Slack.MessagesIn(Channel).Single(m => m.Text!.Contains("step 1 of 7"));

        var (command, commandTook) = await slack.SlashCommandAsync(channelId, "U0ALICE", "alice", "done");
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).RunbookSessions![0].CurrentStep == 2, "the slash command to complete step 1");
        var (button, _) = await slack.ButtonAsync(channelId, "U0BOB", "bob", "skip database-failover");
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).RunbookSessions![0].CurrentStep == 3, "the button to skip step 2");

        Assert.Equal(HttpStatusCode.OK, command.StatusCode);
        Assert.True(commandTook < TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, button.StatusCode);
        var session = (await slack.App.GetIncidentAsync(1)).RunbookSessions![0];
        Assert.Equal(("alice", "bob"), (session.Steps[0].By, session.Steps[1].By));
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Single(m => m.Ts == stepMessage.Ts).Text!.Contains("step 3 of 7"), "the step message to show step 3");
        var edited = slack.Slack.MessagesIn(Channel).Single(m => m.Ts == stepMessage.Ts);
        Assert.True(edited.History.Count >= 2); // edited in place with chat.update, not posted again
        Assert.DoesNotContain(slack.Slack.MessagesIn(Channel), m => m.Ts != stepMessage.Ts && m.Text!.Contains("step 2 of 7"));
    }

    [Fact]
    public async Task AcknowledgementStaysUnderThreeSecondsWhileSlackIsSlow()
    {
        await using var slack = await SlackHarness.StartAsync(new FakeSlackOptions { Latency = TimeSpan.FromSeconds(4) });
        await slack.App.CommandAsync(null, "alice", "declare Slow Slack sev3");

        var (response, elapsed) = await slack.SlashCommandAsync("C0ANY", "U0ALICE", "alice", "INC-1 ack");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Status == "acknowledged", "the ack to be applied after the answer", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task RateLimitsAndServerErrorsAreRetriedWithNothingLostOrDuplicated()
    {
        await using var slack = await SlackHarness.StartAsync();
        await slack.App.CommandAsync(null, "alice", "declare Payments failing sev2");
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn("inc-1-payments-failing").Count == 1, "the summary");
        slack.Slack.FailNext("chat.postMessage", 2, 500);
        slack.Slack.FailNext("chat.postMessage", 1, 429);

        for (var i = 1; i <= 5; i++)
        {
            await slack.App.CommandAsync(1, "alice", $"update progress {i}");
        }

        await Eventually.TrueAsync(() => slack.Slack.MessagesIn("inc-1-payments-failing").Count == 6, "all five updates", TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        var texts = slack.Slack.MessagesIn("inc-1-payments-failing").Skip(1).Select(m => m.Text!).ToList();
        Assert.Equal(5, texts.Count);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Contains($"progress {i}", string.Join("\n", slack.Slack.MessagesIn("inc-1-payments-failing")[i].Blocks!.ToJsonString()));
        }
        var posts = slack.Slack.CallsTo("chat.postMessage").Where(c => c.StatusCode == 200).Select(c => c.At).ToList();
        Assert.All(posts.Zip(posts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(900), "more than one message a second in a channel"));
    }

    [Fact]
    public async Task SlackDownStillOpensTheIncidentAndTheChannelCatchesUp()
    {
        await using var slack = await SlackHarness.StartAsync();
        slack.Slack.SetDown(true);

        await slack.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await slack.App.WaitForProcessingAsync();
        var ack = await slack.App.CommandAsync(1, "alice", "ack");
        await Task.Delay(500);
        Assert.True(ack.Ok);
        Assert.Null(slack.Slack.FindChannel(Channel));

        slack.Slack.SetDown(false);
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Any(m => m.Text?.Contains("acknowledged") == true), "the channel to catch up", TimeSpan.FromSeconds(30));
        Assert.Single(slack.Slack.Channels);
    }
}
