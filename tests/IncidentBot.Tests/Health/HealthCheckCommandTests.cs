using System.Net;
using IncidentBot.Health;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Health;

/// <summary><c>healthcheck [url]</c>, the container's HEALTHCHECK: exit 0 only when the bot answers 200.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData(HttpStatusCode.OK, 0)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 1)]
    public async Task ExitCodeFollowsTheAnswer(HttpStatusCode status, int exitCode)
    {
        var port = BotProcess.FreePort();
        using var listener = Listen(port);
        var answer = AnswerOnceAsync(listener, status);
        var output = new StringWriter();

        var result = await HealthCheckCommand.RunAsync(new Uri($"http://127.0.0.1:{port}/healthz"), output);

        Assert.Equal(exitCode, result);
        Assert.Equal("/healthz", await answer);
        Assert.Contains($"{(int)status}", output.ToString());
    }

    [Fact]
    public async Task NobodyListeningIsUnhealthy()
    {
        var output = new StringWriter();

        var result = await HealthCheckCommand.RunAsync(new Uri($"http://127.0.0.1:{BotProcess.FreePort()}/healthz"), output);

        Assert.Equal(1, result);
        Assert.Contains("no answer", output.ToString());
    }

    [Fact]
    public async Task WithoutAUrlItChecksTheAddressTheBotIsConfiguredFor()
    {
        var port = BotProcess.FreePort();
        using var listener = Listen(port);
        var answer = AnswerOnceAsync(listener, HttpStatusCode.OK);

        var result = await BotTool.RunAsync(Path.GetTempPath(), new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{port}" }, "healthcheck");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("/healthz", await answer);
    }

    private static HttpListener Listen(int port)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return listener;
    }

    /// <summary>Answers one request with <paramref name="status"/>; returns the path that was asked for.</summary>
    private static async Task<string> AnswerOnceAsync(HttpListener listener, HttpStatusCode status)
    {
        var context = await listener.GetContextAsync();
        context.Response.StatusCode = (int)status;
        context.Response.Close();
        return context.Request.Url!.AbsolutePath;
    }
}
