using System.Net;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace IncidentBot.Tests.Telemetry;

/// <summary>Chat API calls counted by platform, method and status, with ids kept out of the labels.</summary>
public sealed class ChatApiMetricsHandlerTests
{
    [Theory]
    [InlineData("POST", "https://slack.com/api/chat.postMessage", "chat.postMessage")]
    [InlineData("POST", "http://127.0.0.1:5000/api/conversations.create", "conversations.create")]
    [InlineData("POST", "https://smba.trafficmanager.net/amer/v3/conversations/19:abc123@thread.tacv2/activities", "POST amer/v3/conversations/{id}/activities")]
    [InlineData("PUT", "https://smba.trafficmanager.net/teams/v3/conversations/a:1xYz/activities/1715950000123", "PUT teams/v3/conversations/{id}/activities/{id}")]
    [InlineData("POST", "https://graph.microsoft.com/v1.0/teams/5f7f2a3c-1b2d-4e5f-8a9b-0c1d2e3f4a5b/channels", "POST v1.0/teams/{id}/channels")]
    [InlineData("POST", "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token", "POST {id}/oauth2/v2.0/token")]
    public void MethodNamesTheApiCallWithoutIdentifiers(string verb, string url, string expected) =>
        Assert.Equal(expected, ChatApiMetricsHandler.MethodOf(new HttpRequestMessage(new HttpMethod(verb), url)));

    [Fact]
    public async Task EveryAnswerIsCountedAndRateLimitsApart()
    {
        using var standalone = new StandaloneBotMetrics();
        var metrics = standalone.Metrics;
        using var calls = new MetricCollector<long>(metrics.Meter, "incidentbot.chat.api.calls");
        using var limited = new MetricCollector<long>(metrics.Meter, "incidentbot.chat.api.rate_limited");
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
        using var client = new HttpClient(new ChatApiMetricsHandler(metrics, "slack", new Answering(() => answers.Dequeue())));

        await client.PostAsync("https://slack.com/api/chat.postMessage", null);
        await client.PostAsync("https://slack.com/api/chat.postMessage", null);

        Assert.Equal(["200", "429"], calls.GetMeasurementSnapshot().Select(m => (string)m.Tags["status"]!));
        Assert.All(calls.GetMeasurementSnapshot(), m => Assert.Equal(("slack", "chat.postMessage"), ((string)m.Tags["platform"]!, (string)m.Tags["method"]!)));
        Assert.Equal(1, limited.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task ACallThatGetsNoAnswerIsCountedWithStatusZero()
    {
        using var standalone = new StandaloneBotMetrics();
        var metrics = standalone.Metrics;
        using var calls = new MetricCollector<long>(metrics.Meter, "incidentbot.chat.api.calls");
        using var client = new HttpClient(new ChatApiMetricsHandler(metrics, "teams", new Answering(() => throw new HttpRequestException("connection refused"))));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("https://graph.microsoft.com/v1.0/teams"));

        Assert.Equal("0", calls.LastMeasurement!.Tags["status"]);
    }

    private sealed class Answering(Func<HttpStatusCode> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(answer()));
    }
}
