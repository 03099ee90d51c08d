using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>Slack answering 503 for a while, then recovering: every queued message arrives once, in order per channel.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackOutageTests
{
    private static readonly string[] Channels = ["inc-1-payments-failing", "inc-2-search-slow"];

    [Fact]
    public async Task MessagesQueuedDuringA503OutageArriveExactlyOnceInOrderPerChannel()
    {
        await using var slack = await SlackHarness.StartAsync();
        await slack.App.CommandAsync(null, "alice", "declare Payments failing sev2");
        await slack.App.CommandAsync(null, "alice", "declare Search slow sev3");
        await Eventually.TrueAsync(() => Channels.All(c => slack.Slack.MessagesIn(c).Count == 1), "both summaries");

        slack.Slack.SetDown(true);
        for (var i = 1; i <= 4; i++)
        {
            await slack.App.CommandAsync(1, "alice", $"update payments step {i}");
            await slack.App.CommandAsync(2, "bob", $"update search step {i}");
        }
        await Eventually.TrueAsync(() => slack.Slack.CallsTo("chat.postMessage").Count(c => c.StatusCode == 503) >= 4, "the bot to meet the outage more than once");
        await Task.Delay(1_000);
        Assert.All(Channels, c => Assert.Single(slack.Slack.MessagesIn(c)));
        slack.Slack.SetDown(false);

        await Eventually.TrueAsync(() => Channels.All(c => slack.Slack.MessagesIn(c).Count >= 5), "every queued update after the outage", TimeSpan.FromSeconds(30));
        await Task.Delay(1_500); // one more message a second per channel would have arrived by now
        Assert.Equal(["payments step 1", "payments step 2", "payments step 3", "payments step 4"], Updates(slack, Channels[0]));
        Assert.Equal(["search step 1", "search step 2", "search step 3", "search step 4"], Updates(slack, Channels[1]));
        Assert.Equal(10, slack.Slack.CallsTo("chat.postMessage").Count(c => c.StatusCode == 200));
    }

    /// <summary>The update text of every message after the summary, in the order the channel shows them.</summary>
    private static List<string> Updates(SlackHarness slack, string channel) =>
        slack.Slack.MessagesIn(channel).Skip(1)
            .Select(m => m.Blocks!.ToJsonString())
            .Select(json => new[] { "payments", "search" }.SelectMany(s => Enumerable.Range(1, 4).Select(i => $"{s} step {i}")).Single(json.Contains))
            .ToList();
}
