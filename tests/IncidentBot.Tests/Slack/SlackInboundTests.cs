using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>Every published Slack payload in shared/fixtures, sent to the bot's Slack endpoints as Slack sends it.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackInboundTests
{
    [Fact]
    public async Task UrlVerificationEchoesTheChallenge()
    {
        await using var slack = await SlackHarness.StartAsync();
        var fixture = Fixtures.Read("slack/events-url-verification.json");

        var (response, _) = await slack.PostSignedAsync("/slack/events", fixture, "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var challenge = JsonNode.Parse(fixture)!["challenge"]!.GetValue<string>();
        Assert.Equal(challenge, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("slack/events-app-mention.json")]
    [InlineData("slack/events-app-mention-with-blocks.json")]
    public async Task AppMentionsRunTheirTextAsACommandAndAnswerPrivately(string file)
    {
        await using var slack = await SlackHarness.StartAsync();
        var channel = await Fakes.SlackHttp.CreateChannelAsync(slack.Slack, "general");
        await Fakes.SlackHttp.CallAsync(slack.Slack, "conversations.invite", new { channel, users = "U0ALICE" });
        var callback = JsonNode.Parse(Fixtures.Read(file))!.AsObject();
        callback["event"]!["channel"] = channel;
        callback["event"]!["user"] = "U0ALICE";

        var (response, _) = await slack.PostSignedAsync("/slack/events", callback.ToJsonString(), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The fixture's text after the mention is not a command, so alice gets a private, friendly usage answer.
        await Eventually.TrueAsync(() => slack.Slack.Ephemerals.Any(e => e.User == "U0ALICE" && e.Text!.Contains("I don't know")), "the private answer");
    }

    [Theory]
    [InlineData("slack/events-message-channels.json")]
    [InlineData("slack/events-message-channels-bot-message.json")]
    [InlineData("slack/events-app-rate-limited.json")]
    public async Task OtherEventsAreAcknowledgedAndIgnored(string file)
    {
        await using var slack = await SlackHarness.StartAsync();

        var (response, _) = await slack.PostSignedAsync("/slack/events", Fixtures.Read(file), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(300);
        Assert.Empty(slack.Slack.Ephemerals);
        Assert.Empty(await slack.App.ListIncidentsAsync());
    }

    [Theory]
    [InlineData("slash-command-body.txt")]
    [InlineData("slash-command-body-hello.txt")]
    [InlineData("slash-command-body-weather-docs-example.txt")]
    public async Task PublishedSlashCommandBodiesAreAcknowledgedAndHandled(string file)
    {
        await using var slack = await SlackHarness.StartAsync();

        var (response, elapsed) = await slack.PostSignedAsync("/slack/commands", Fixtures.Read($"slack/{file}"), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(3));
        // The bot is not in those channels, so the answer goes to the response_url (unreachable here) after trying ephemeral.
        await Eventually.TrueAsync(() => slack.Slack.CallsTo("chat.postEphemeral").Count > 0, "an attempt to answer privately");
    }

    [Fact]
    public async Task PublishedInteractionPayloadsAreAcknowledgedAndNotMistakenForOurButtons()
    {
        await using var slack = await SlackHarness.StartAsync();
        var form = (string file) => SlackHarness.Form(new() { ["payload"] = Fixtures.Read($"slack/{file}") });

        var (actions, _) = await slack.PostSignedAsync("/slack/interactions", form("interactivity-block-actions.json"), "application/x-www-form-urlencoded");
        var (submission, _) = await slack.PostSignedAsync("/slack/interactions", form("interactivity-view-submission.json"), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, actions.StatusCode);
        Assert.Equal(HttpStatusCode.OK, submission.StatusCode);
        await Task.Delay(300);
        Assert.Empty(await slack.App.ListIncidentsAsync());
    }

    [Fact]
    public async Task DeclareWithoutATitleOpensTheFormAndSubmittingItDeclares()
    {
        await using var slack = await SlackHarness.StartAsync();

        await slack.SlashCommandAsync("C0ANY", "U0ALICE", "alice", "declare");
        await Eventually.TrueAsync(() => slack.Slack.Views.Count == 1, "the declare form");
        var submission = JsonNode.Parse(Fixtures.Read("slack/interactivity-view-submission.json"))!.AsObject();
        submission["user"]!["id"] = "U0ALICE";
        submission["user"]!["username"] = "alice";
        submission["view"]!["callback_id"] = "incidentbot.declare";
        submission["view"]!["state"] = JsonNode.Parse("""
            {"values":{"title":{"title":{"type":"plain_text_input","value":"Checkout down"}},
                       "severity":{"severity":{"type":"static_select","selected_option":{"value":"sev1"}}}}}
            """);
        await slack.PostSignedAsync("/slack/interactions", SlackHarness.Form(new() { ["payload"] = submission.ToJsonString() }), "application/x-www-form-urlencoded");

        await Eventually.TrueAsync(async () => (await slack.App.ListIncidentsAsync()).Count == 1, "the declared incident");
        var incident = await slack.App.GetIncidentAsync(1);
        Assert.Equal(("Checkout down", "SEV1"), (incident.Title, incident.Severity));
        Assert.Equal("alice", incident.Timeline![0].Actor);
    }

    [Fact]
    public async Task RetriedEventIsProcessedOnce()
    {
        await using var slack = await SlackHarness.StartAsync();
        await slack.App.CommandAsync(null, "alice", "declare Search down sev2");
        // The bot's first message comes after it recorded which incident the channel is; a mention before that is
        // not an incident's (and its retries, being the same event, are not acted on again).
        await Eventually.TrueAsync(() => slack.Slack.FindChannel("inc-1-search-down") is not null && slack.Slack.MessagesIn("inc-1-search-down").Any(), "the channel and the bot's first message in it");
        var channel = slack.Slack.FindChannel("inc-1-search-down")!.Id;

        await slack.MentionAsync(channel, "U0ALICE", "note cache cleared", "Ev0001");
        await slack.MentionAsync(channel, "U0ALICE", "note cache cleared", "Ev0001", retryNum: 1);
        await slack.MentionAsync(channel, "U0ALICE", "note cache cleared", "Ev0001", retryNum: 2);

        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Timeline!.Any(t => t.Kind == "note"), "the note");
        await Task.Delay(500);
        Assert.Single((await slack.App.GetIncidentAsync(1)).Timeline!, t => t.Kind == "note" && t.Actor == "alice");
    }

    [Fact]
    public async Task RequestsThatAreNotFromSlackAreRefusedBeforeParsing()
    {
        await using var slack = await SlackHarness.StartAsync();
        var body = Fixtures.Read("slack/events-url-verification.json");

        var (wrongSecret, _) = await slack.PostSignedAsync("/slack/events", body, "application/json", secret: "guess");
        var (stale, _) = await slack.PostSignedAsync("/slack/events", body, "application/json", timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());
        var unsigned = await slack.App.CreateClient().PostAsync("/slack/commands", new StringContent("text=ack", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        var (malformed, _) = await slack.PostSignedAsync("/slack/events", "{not json", "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Contains("Mismatch", await wrongSecret.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("Stale", await stale.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task BodyOverOneMebibyteIs413EvenWithoutContentLength()
    {
        await using var slack = await SlackHarness.StartAsync();
        var body = System.Text.Encoding.UTF8.GetBytes("command=%2Fincident&user_id=U1&text=declare+" + new string('x', 1024 * 1024));
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StreamContent(new MemoryStream(body)) };
        chunked.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Add("X-Slack-Request-Timestamp", ts);
        chunked.Headers.Add("X-Slack-Signature", IncidentBot.Slack.Inbound.SlackSignatureVerifier.Sign(SlackHarness.SigningSecret, ts, body));

        var response = await slack.App.CreateClient().SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await slack.App.ListIncidentsAsync());
    }
}
