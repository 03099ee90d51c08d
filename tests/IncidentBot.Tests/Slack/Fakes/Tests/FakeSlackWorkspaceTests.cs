using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Slack.Fakes.SlackHttp;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>The fake keeps what an incident bot does to a workspace, readable through its typed views.</summary>
public sealed class FakeSlackWorkspaceTests
{
    [Fact]
    public async Task AnIncidentChannelIsRecordedWithMembersTopicPinsAndBookmarks()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var channel = await CreateChannelAsync(slack, "inc-7-checkout");

        Assert.True((await CallAsync(slack, "conversations.invite", new { channel, users = "U0ALICE, U0BOB" })).Ok);
        Assert.Equal("user_not_found", (await CallAsync(slack, "conversations.invite", new { channel, users = "U0NOBODY" })).Error);
        Assert.Equal("already_in_channel", (await CallAsync(slack, "conversations.invite", new { channel, users = "U0ALICE" })).Error);
        await CallAsync(slack, "conversations.setTopic", new { channel, topic = "SEV1 checkout 5xx" });
        await CallAsync(slack, "conversations.setPurpose", new { channel, purpose = "Incident #7" });
        var posted = await CallAsync(slack, "chat.postMessage", new { channel, text = "Declared" });
        var ts = posted.Body!["ts"]!.GetValue<string>();
        Assert.True((await CallAsync(slack, "pins.add", new { channel, timestamp = ts })).Ok);
        Assert.Equal("already_pinned", (await CallAsync(slack, "pins.add", new { channel, timestamp = ts })).Error);
        var bookmark = await CallAsync(slack, "bookmarks.add", new { channel_id = channel, title = "Runbook", type = "link", link = "https://wiki.example/rb" });
        Assert.True(bookmark.Ok);
        Assert.True((await CallAsync(slack, "conversations.archive", new { channel })).Ok);
        Assert.Equal("is_archived", (await CallAsync(slack, "chat.postMessage", new { channel = "inc-7-checkout", text = "late" })).Error);

        var recorded = slack.FindChannel("inc-7-checkout")!;
        Assert.Equal(["U0FAKEBOT", "U0ALICE", "U0BOB"], recorded.Members);
        Assert.Equal(("SEV1 checkout 5xx", "Incident #7"), (recorded.Topic, recorded.Purpose));
        Assert.Equal([ts], recorded.Pins);
        Assert.Equal("https://wiki.example/rb", Assert.Single(recorded.Bookmarks).Link);
        Assert.True(recorded.IsArchived);
    }

    [Fact]
    public async Task MessagesKeepOrderBlocksAndReplacedVersions()
    {
        await using var slack = await FakeSlackApi.StartAsync(new() { RateLimits = false });
        var channel = await CreateChannelAsync(slack, "inc-8");
        var blocks = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "*Step 1*" } });

        var first = await CallAsync(slack, "chat.postMessage", new { channel, text = "Step 1", blocks });
        var second = await PostFormAsync(slack, "chat.postMessage", new() { ["channel"] = channel, ["text"] = "Step 2", ["blocks"] = blocks.ToJsonString() });
        var ts = first.Body!["ts"]!.GetValue<string>();
        var updated = await CallAsync(slack, "chat.update", new { channel, ts, text = "Step 1 done" });
        var missing = await CallAsync(slack, "chat.update", new { channel, ts = "1.000000", text = "x" });

        var fixture = JsonNode.Parse(Fixtures.Read("slack/web-api-chat.postMessage-ok.json"))!.AsObject();
        Assert.All(fixture.Select(p => p.Key), key => Assert.True(first.Body.ContainsKey(key), key));
        Assert.Equal("bot_message", first.Body["message"]!["subtype"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(ts, second.Body!["ts"]!.GetValue<string>()) < 0);
        Assert.True(updated.Ok);
        Assert.Equal("message_not_found", missing.Error);
        var messages = slack.MessagesIn(channel);
        Assert.Equal(["Step 1 done", "Step 2"], messages.Select(m => m.Text));
        Assert.Equal("Step 1", Assert.Single(messages[0].History).Text);
        Assert.Equal("*Step 1*", messages[1].Blocks![0]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task EphemeralsUsersAndModalsAreServedAndRecorded()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var channel = await CreateChannelAsync(slack, "inc-9");
        await CallAsync(slack, "conversations.invite", new { channel, users = "U0BOB" });

        var ephemeral = await CallAsync(slack, "chat.postEphemeral", new { channel, user = "U0BOB", text = "Only you" });
        var outsider = await CallAsync(slack, "chat.postEphemeral", new { channel, user = "U0ALICE", text = "No" });
        var found = await CallAsync(slack, "users.lookupByEmail", new { email = "bob@example.com" });
        var unknown = await CallAsync(slack, "users.lookupByEmail", new { email = "eve@example.com" });
        var view = new JsonObject { ["type"] = "modal", ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Declare" } };
        var opened = await CallAsync(slack, "views.open", new { trigger_id = "123.456.abc", view });
        var reused = await CallAsync(slack, "views.open", new { trigger_id = "123.456.abc", view });

        Assert.Equal(ephemeral.Body!["message_ts"]!.GetValue<string>(), Assert.Single(slack.Ephemerals).MessageTs);
        Assert.Equal("user_not_in_channel", outsider.Error);
        Assert.Equal("U0BOB", found.Body!["user"]!["id"]!.GetValue<string>());
        Assert.Equal("users_not_found", unknown.Error);
        Assert.Equal(opened.Body!["view"]!["id"]!.GetValue<string>(), Assert.Single(slack.Views).Id);
        Assert.Equal("exchanged_trigger_id", reused.Error);
    }
}
