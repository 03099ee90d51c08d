using System.Net;
using IncidentBot.OnCall;
using IncidentBot.OnCall.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.OnCall;

/// <summary>The shared HTTP reading of the on-call sources: declared sizes, Retry-After forms and their bounds.</summary>
public sealed class OnCallHttpTests
{
    [Fact]
    public async Task ABodyDeclaredTooLargeIsRefusedBeforeItIsRead()
    {
        var content = new StreamContent(new MemoryStream(new byte[16]));
        content.Headers.ContentLength = OnCallHttp.MaxResponseBytes + 1L;
        var http = new OnCallHttp(new HttpClient(new Answering(new HttpResponseMessage(HttpStatusCode.OK) { Content = content })), NullLogger.Instance);

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => http.SendAsync<object>("pagerduty", "x", new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), CancellationToken.None));

        Assert.Contains("more than 1024 KiB", refused.Problem);
    }

    [Fact]
    public async Task ABodyOfExactlyTheLimitIsRead()
    {
        var body = "[" + new string(' ', OnCallHttp.MaxResponseBytes - 2) + "]";
        var http = new OnCallHttp(new HttpClient(new Answering(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) })), NullLogger.Instance);

        var answer = await http.SendAsync<List<int>>("pagerduty", "x", new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/"), CancellationToken.None);

        Assert.Empty(answer);
    }

    [Theory]
    [InlineData("Retry-After", "17", 17)]
    [InlineData("Retry-After", "0", 1)]
    [InlineData("Retry-After", "86400", 3600)]
    [InlineData("X-RateLimit-Period-In-Sec", "12", 12)]
    [InlineData("X-RateLimit-Period-In-Sec", "-5", 60)]
    [InlineData("X-RateLimit-Period-In-Sec", "soon", 60)]
    [InlineData("X-Other", "1", 60)]
    public void RetryAfterIsReadFromWhatTheSourceSaysWithinBounds(string header, string value, int seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);

        Assert.Equal(TimeSpan.FromSeconds(seconds), OnCallHttp.RetryAfter(response));
    }

    [Fact]
    public void RetryAfterAsADateIsTheTimeUntilThen()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(2));

        Assert.InRange(OnCallHttp.RetryAfter(response), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(120));
    }

    private sealed class Answering(HttpResponseMessage response) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(response);
    }
}
