using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Slack;
using IncidentBot.Slack.Api;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Slack;

/// <summary>The typed Web API client: every method against the fake Slack, and Slack's published answers mapped to errors.</summary>
public sealed class SlackWebApiClientTests
{
    [Fact]
    public async Task EveryMethodTheBotUsesWorksAgainstSlackShapedAnswers()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        var client = Client(new HttpClient(), slack.BaseUrl.ToString());
        var ct = CancellationToken.None;

        var channel = await client.CreateConversationAsync("inc-1-test", isPrivate: false, ct);
        await client.InviteAsync(channel, ["U0ALICE", "U0BOB"], ct);
        await client.SetTopicAsync(channel, "SEV1 · triggered", ct);
        await client.SetPurposeAsync(channel, "INC-1: test", ct);
        var ts = await client.PostMessageAsync(channel, "hello", new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "*hello*" } }), ct);
        await client.UpdateMessageAsync(channel, ts, "hello again", blocks: null, ct);
        await client.PostEphemeralAsync(channel, "U0ALICE", "only you", blocks: null, ct);
        await client.PinAsync(channel, ts, ct);
        await client.AddBookmarkAsync(channel, "Dashboard", "https://grafana.example/d/1", ct);
        var alice = await client.UserInfoAsync("U0ALICE", ct);
        var bob = await client.LookupUserIdByEmailAsync("bob@example.com", ct);
        var nobody = await client.LookupUserIdByEmailAsync("nobody@example.com", ct);
        await client.OpenViewAsync("123.456.abc", new JsonObject { ["type"] = "modal", ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "x" }, ["blocks"] = new JsonArray() }, ct);
        await client.ArchiveAsync(channel, ct);

        var created = slack.FindChannel(channel)!;
        Assert.Equal(("inc-1-test", "SEV1 · triggered", "INC-1: test", true), (created.Name, created.Topic, created.Purpose, created.IsArchived));
        Assert.Contains("U0BOB", created.Members);
        Assert.Equal([ts], created.Pins);
        Assert.Equal("hello again", Assert.Single(slack.MessagesIn(channel)).Text);
        Assert.Equal(("alice", "U0BOB", null), (alice.Name, bob, nobody));
        Assert.Single(slack.Ephemerals);
        Assert.Single(slack.Views);
        var error = await Assert.ThrowsAsync<SlackApiException>(() => client.OpenSocketConnectionAsync("xoxb-test", ct));
        Assert.Equal("not_allowed_token_type", error.Error);
    }

    [Fact]
    public async Task OkAnswerIsReadFromThePublishedExample()
    {
        var client = Client(Answering(HttpStatusCode.OK, Fixtures.Read("slack/web-api-chat.postMessage-ok.json")));

        var ts = await client.PostMessageAsync("C1H9RESGL", "Here's a message for you", null, CancellationToken.None);

        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(Fixtures.Read("slack/web-api-chat.postMessage-ok.json"))!["ts"]!.GetValue<string>(), ts);
    }

    [Theory]
    [InlineData("slack/web-api-conversations.create-error-name_taken.json", 200, null, "name_taken", false)]
    [InlineData("slack/web-api-chat.postMessage-error-too_many_attachments.json", 200, null, "too_many_attachments", false)]
    [InlineData("slack/web-api-error-ratelimited.json", 429, 3, "ratelimited", true)]
    public async Task PublishedErrorsBecomeTypedErrors(string file, int status, int? retryAfter, string error, bool transient)
    {
        var client = Client(Answering((HttpStatusCode)status, Fixtures.Read(file), retryAfter));

        var failure = await Assert.ThrowsAsync<SlackApiException>(() => client.PostMessageAsync("C1", "x", null, CancellationToken.None));

        Assert.Equal(error, failure.Error);
        Assert.Equal(transient, failure.Transient);
        Assert.Equal(retryAfter is null ? null : TimeSpan.FromSeconds(retryAfter.Value), failure.RetryAfter);
        Assert.Equal("chat.postMessage", failure.Method);
    }

    [Fact]
    public async Task ServerErrorsAndUnreachableSlackAreTransient()
    {
        var down = Client(Answering(HttpStatusCode.ServiceUnavailable, ""));
        var unreachable = Client(new HttpClient(), "http://127.0.0.1:1/api/");

        var outage = await Assert.ThrowsAsync<SlackApiException>(() => down.PinAsync("C1", "1.2", CancellationToken.None));
        var refused = await Assert.ThrowsAsync<SlackApiException>(() => unreachable.PinAsync("C1", "1.2", CancellationToken.None));

        Assert.True(outage.Transient);
        Assert.True(refused.Transient);
    }

    private static SlackWebApiClient Client(HttpClient http, string baseUrl = "https://slack.example/api/") =>
        new(http, Options.Create(new SlackOptions { BotToken = "xoxb-test", ApiBaseUrl = baseUrl }), NullLogger<SlackWebApiClient>.Instance);

    private static HttpClient Answering(HttpStatusCode status, string body, int? retryAfter = null) => new(new FixedAnswer(status, body, retryAfter));

    /// <summary>Answers every request with one published Slack response, headers included.</summary>
    private sealed class FixedAnswer(HttpStatusCode status, string body, int? retryAfter) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (retryAfter is { } seconds)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
            }
            return Task.FromResult(response);
        }
    }
}
