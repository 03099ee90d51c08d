using System.Net;
using Microsoft.Extensions.Time.Testing;
using static IncidentBot.Tests.Teams.Fakes.TeamsHttp;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>Injected failures, throttling and outages change nothing on the Connector fake.</summary>
public sealed class FakeBotConnectorFaultTests
{
    [Fact]
    public async Task FailNextAnswersTheStatusWithoutRecordingTheActivity()
    {
        await using var rig = await Rig.StartAsync();
        rig.Connector.FailNext(2, 502);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await rig.NewThreadAsync()).Status);
        }

        Assert.Equal([HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.Created], statuses);
        Assert.Single(rig.Connector.Conversations);
        Assert.Equal([502, 502, 201], rig.Connector.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task ThrottleNextAnswers429WithRetryAfter()
    {
        await using var rig = await Rig.StartAsync();
        rig.Connector.ThrottleNext(1, retryAfterSeconds: 3);

        var throttled = await rig.NewThreadAsync();
        var retried = await rig.NewThreadAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), throttled.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.Single(rig.Connector.Conversations);
    }

    [Fact]
    public async Task WhileDownEveryCallIs503EvenWithoutAToken()
    {
        await using var rig = await Rig.StartAsync();
        rig.Connector.SetDown(true);

        var down = await rig.NewThreadAsync();
        var anonymous = await SendAsync(HttpMethod.Post, new Uri(rig.Connector.ServiceUrl, "v3/conversations"), null, NewThread(Channel, "x"));
        rig.Connector.SetDown(false);
        var up = await rig.NewThreadAsync();

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created], new[] { down.Status, anonymous.Status, up.Status });
    }

    [Fact]
    public async Task RateLimitAllowsSevenSendsPerSecondPerConversation()
    {
        var clock = new FakeTimeProvider();
        await using var rig = await Rig.StartAsync(clock);
        rig.Connector.EnforceRateLimit = true;
        var thread = (string)(await rig.NewThreadAsync()).Body!["id"]!;
        var otherThread = (string)(await rig.NewThreadAsync()).Body!["id"]!;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await rig.SendAsync(thread)).Status);
        }

        var other = await rig.SendAsync(otherThread);
        clock.Advance(TimeSpan.FromSeconds(1));
        var later = await rig.SendAsync(thread);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Created, 7).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.Equal(HttpStatusCode.Created, other.Status);
        Assert.Equal(HttpStatusCode.Created, later.Status);
        Assert.Equal(1 + 7 + 1, rig.Connector.Conversations.Single(c => c.Id == thread).Activities.Count);
    }

    private sealed record Rig(FakeEntraToken Tokens, FakeBotConnector Connector, string Token) : IAsyncDisposable
    {
        public static async Task<Rig> StartAsync(TimeProvider? time = null)
        {
            var tokens = await FakeEntraToken.StartAsync(ClientId, Secret, time: time);
            var connector = await FakeBotConnector.StartAsync(tokens);
            connector.AddChannel(Channel);
            return new(tokens, connector, await TokenAsync(tokens, FakeEntraToken.BotConnectorScope));
        }

        public Task<Answer> NewThreadAsync() =>
            TeamsHttp.SendAsync(HttpMethod.Post, new Uri(Connector.ServiceUrl, "v3/conversations"), Token, NewThread(Channel, "x"));

        public Task<Answer> SendAsync(string conversationId) =>
            TeamsHttp.SendAsync(HttpMethod.Post, new Uri(Connector.ServiceUrl, $"v3/conversations/{conversationId}/activities"), Token, new { type = "message", text = "x" });

        public async ValueTask DisposeAsync()
        {
            await Connector.DisposeAsync();
            await Tokens.DisposeAsync();
        }
    }
}
