using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Slack.Fakes.SlackHttp;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>The Web API fake answers like Slack, driven by a plain HttpClient.</summary>
public sealed class FakeSlackApiTests
{
    [Fact]
    public async Task CreatedChannelHasSlacksShapeAndATakenNameIsRefused()
    {
        await using var slack = await FakeSlackApi.StartAsync(new() { TakenChannelNames = ["inc-archived"] });

        var created = await CallAsync(slack, "conversations.create", new { name = "inc-42-db" });
        var again = await CallAsync(slack, "conversations.create", new { name = "inc-42-db" });
        var preTaken = await CallAsync(slack, "conversations.create", new { name = "inc-archived" });

        var fixture = JsonNode.Parse(Fixtures.Read("slack/web-api-conversations.create-ok.json"))!["channel"]!.AsObject();
        var channel = created.Body!["channel"]!.AsObject();
        Assert.Equal(fixture.Select(p => p.Key).Order(), channel.Select(p => p.Key).Order());
        Assert.Matches("^C0[0-9A-Z]+$", channel["id"]!.GetValue<string>());
        Assert.Equal("name_taken", again.Error);
        Assert.Equal("name_taken", preTaken.Error);
        Assert.Equal(["inc-42-db"], slack.Channels.Select(c => c.Name));
    }

    [Theory]
    [InlineData("Inc-Upper", "invalid_name_specials")]
    [InlineData("inc 42", "invalid_name_specials")]
    [InlineData("inc.42", "invalid_name_specials")]
    [InlineData("--", "invalid_name_punctuation")]
    [InlineData("", "invalid_name_required")]
    public async Task InvalidChannelNamesGetSlacksErrors(string name, string error)
    {
        await using var slack = await FakeSlackApi.StartAsync();

        Assert.Equal(error, (await CallAsync(slack, "conversations.create", new { name })).Error);
    }

    [Fact]
    public async Task NamesAreLimitedTo80Characters()
    {
        await using var slack = await FakeSlackApi.StartAsync();

        var longest = await CallAsync(slack, "conversations.create", new { name = new string('a', 80) });
        var tooLong = await CallAsync(slack, "conversations.create", new { name = new string('b', 81) });

        Assert.True(longest.Ok);
        Assert.Equal("invalid_name_maxlength", tooLong.Error);
    }

    [Fact]
    public async Task TokensAreCheckedLikeSlack()
    {
        await using var slack = await FakeSlackApi.StartAsync();

        Assert.Equal("invalid_auth", (await CallAsync(slack, "chat.postMessage", new { channel = "C1", text = "x" }, "xoxb-wrong")).Error);
        Assert.Equal("not_authed", (await CallAsync(slack, "chat.postMessage", new { channel = "C1", text = "x" }, null)).Error);
        Assert.Equal("not_allowed_token_type", (await CallAsync(slack, "chat.postMessage", new { channel = "C1", text = "x" }, "xapp-test")).Error);
        Assert.Equal("not_allowed_token_type", (await CallAsync(slack, "apps.connections.open", token: "xoxb-test")).Error);
        Assert.All(slack.Calls, c => Assert.Equal(200, c.StatusCode));
    }

    [Fact]
    public async Task JsonWithoutACharsetWorksButCarriesSlacksWarning()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(slack.BaseUrl, "users.info"))
        {
            Content = new StringContent("""{"user":"U0ALICE"}""", null, "application/json"),
        };
        // StringContent always adds a charset; Slack's warning is about clients that leave it out.
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Authorization = new("Bearer", "xoxb-test");

        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(body["ok"]!.GetValue<bool>());
        Assert.Equal("missing_charset", body["warning"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownMethodIsReported()
    {
        await using var slack = await FakeSlackApi.StartAsync();

        Assert.Equal("unknown_method", (await CallAsync(slack, "chat.fly")).Error);
    }

    [Fact]
    public async Task FailNextAnswersTheStatusWithoutEffectThenRecovers()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        slack.FailNext("conversations.create", 1);

        var failed = await CallAsync(slack, "conversations.create", new { name = "inc-retry" });
        var retried = await CallAsync(slack, "conversations.create", new { name = "inc-retry" });

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.True(retried.Ok);
        Assert.Single(slack.Channels);
        Assert.Equal([500, 200], slack.CallsTo("conversations.create").Select(c => c.StatusCode));
    }

    [Fact]
    public async Task DownAnswers503UntilBackUp()
    {
        await using var slack = await FakeSlackApi.StartAsync();

        slack.SetDown(true);
        var down = await CallAsync(slack, "users.info", new { user = "U0ALICE" });
        slack.SetDown(false);
        var up = await CallAsync(slack, "users.info", new { user = "U0ALICE" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("alice@example.com", up.Body!["user"]!["profile"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task LatencyDelaysEveryAnswer()
    {
        await using var slack = await FakeSlackApi.StartAsync(new() { Latency = TimeSpan.FromMilliseconds(50) });

        var started = TimeProvider.System.GetTimestamp();
        await CallAsync(slack, "users.info", new { user = "U0BOB" });

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task ConnectionsOpenPointsAtTheAttachedSocketModeServer()
    {
        await using var socket = await FakeSocketMode.StartAsync();
        await using var slack = await FakeSlackApi.StartAsync(new() { SocketMode = socket });
        await using var plain = await FakeSlackApi.StartAsync();

        var first = await CallAsync(slack, "apps.connections.open", token: "xapp-test");
        var refused = await CallAsync(plain, "apps.connections.open", token: "xapp-test");

        var url = new Uri(first.Body!["url"]!.GetValue<string>());
        Assert.Equal(socket.Url.GetLeftPart(UriPartial.Path), url.GetLeftPart(UriPartial.Path));
        Assert.StartsWith("?ticket=1&", url.Query);
        Assert.Equal("not_allowed_token_type", refused.Error);
    }
}
