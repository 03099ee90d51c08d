using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static IncidentBot.Tests.Slack.Fakes.SlackHttp;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>The fake throttles like Slack: one post per second per channel and per-method tier budgets.</summary>
public sealed class FakeSlackRateLimitTests
{
    [Fact]
    public async Task SecondPostToOneChannelWithinASecondIsRateLimitedWithRetryAfterOne()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var first = await CreateChannelAsync(slack, "inc-1");
        var second = await CreateChannelAsync(slack, "inc-2");

        var ok = await CallAsync(slack, "chat.postMessage", new { channel = first, text = "one" });
        var limited = await CallAsync(slack, "chat.postMessage", new { channel = first, text = "two" });
        var otherChannel = await CallAsync(slack, "chat.postMessage", new { channel = second, text = "three" });

        Assert.True(ok.Ok);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.RetryAfter);
        Assert.Equal(JsonNode.Parse(Fixtures.Read("slack/web-api-error-ratelimited.json"))!.ToJsonString(), limited.Body!.ToJsonString());
        Assert.True(otherChannel.Ok);
        Assert.Equal(1, slack.RateLimitedResponses);
        Assert.Equal(["one"], slack.MessagesIn(first).Select(m => m.Text));
    }

    [Fact]
    public async Task TierBudgetIsARollingMinuteAndRetryAfterSaysWhenASlotFrees()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var slack = await FakeSlackApi.StartAsync(new() { TierMultiplier = 0.1, Time = time });
        var channel = await CreateChannelAsync(slack, "inc-tier");

        // Tier 2 scaled by 0.1 allows 2 calls a minute.
        Assert.True((await CallAsync(slack, "conversations.setTopic", new { channel, topic = "a" })).Ok);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await CallAsync(slack, "conversations.setTopic", new { channel, topic = "b" })).Ok);
        var limited = await CallAsync(slack, "conversations.setTopic", new { channel, topic = "c" });
        time.Advance(TimeSpan.FromSeconds(40));
        var afterWindow = await CallAsync(slack, "conversations.setTopic", new { channel, topic = "d" });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.RetryAfter);
        Assert.True(afterWindow.Ok);
        Assert.Equal("d", slack.FindChannel(channel)!.Topic);
    }

    [Fact]
    public async Task RateLimitsCanBeSwitchedOff()
    {
        await using var slack = await FakeSlackApi.StartAsync(new() { RateLimits = false });
        var channel = await CreateChannelAsync(slack, "inc-free");

        var answers = new List<SlackAnswer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await CallAsync(slack, "chat.postMessage", new { channel, text = $"m{i}" }));
        }

        Assert.All(answers, a => Assert.True(a.Ok));
        Assert.Equal(0, slack.RateLimitedResponses);
    }
}
