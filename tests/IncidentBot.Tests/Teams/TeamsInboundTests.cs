using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Teams;

/// <summary>Every published Teams activity in shared/fixtures, sent to /api/messages as the Bot Connector sends it.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TeamsInboundTests
{
    [Theory]
    [InlineData("conversation-update-bot-added-to-team.json")]
    [InlineData("conversation-update-bot-added-to-team-2017.json")]
    [InlineData("conversation-update-channel-created.json")]
    [InlineData("conversation-update-team-member-added-user.json")]
    [InlineData("message-card-submit-value.json")]
    [InlineData("invoke-task-fetch.json")]
    [InlineData("invoke-card-action-invoke-type.json")]
    public async Task PublishedActivitiesAreAcceptedAndOpenNothing(string file)
    {
        await using var teams = await TeamsHarness.StartAsync();

        var response = await teams.SendAsync(teams.Fixture(file));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await teams.App.ListIncidentsAsync());
    }

    [Fact]
    public async Task ActivityOverOneMebibyteIs413EvenWithoutContentLength()
    {
        await using var teams = await TeamsHarness.StartAsync();
        var activity = teams.Fixture("message-channel-mention-tacv2.json");
        activity["text"] = "declare " + new string('x', 1024 * 1024);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(activity.ToJsonString()))) };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.TryAddWithoutValidation("Authorization", teams.AuthorizationFor(activity));

        var response = await teams.App.CreateClient().SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await teams.App.ListIncidentsAsync());
    }

    [Theory]
    [InlineData("message-channel-mention-tacv2.json")]
    [InlineData("message-channel-mention-skype.json")]
    public async Task ChannelMentionsAreReadWithoutTheMentionAndAnsweredInTheThread(string file)
    {
        await using var teams = await TeamsHarness.StartAsync();
        await teams.App.CommandAsync(null, "alice", "declare Disk full sev3");
        await Eventually.TrueAsync(async () => (await teams.App.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "teams"), "the incident's thread");
        var thread = (await teams.App.GetIncidentAsync(1)).Channels.Single(c => c.Platform == "teams").Id;
        var activity = teams.Fixture(file);
        activity["conversation"]!["id"] = thread; // said in the incident's thread, otherwise exactly as published

        var response = await teams.SendAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // "1" and "reply to thread" are not commands: the sender gets the friendly usage answer in the thread.
        await Eventually.TrueAsync(() => teams.Connector.Conversations.Single(c => c.Id == thread).Activities.Any(a => ((string?)a.Json["summary"])?.Contains("I don't know") == true), "the answer in the thread");
    }

    [Fact]
    public async Task AdaptiveCardActionThatIsNotOursGetsAPoliteInvokeResponse()
    {
        await using var teams = await TeamsHarness.StartAsync();

        var response = await teams.SendAsync(teams.Fixture("invoke-adaptivecard-action-execute.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Contains("not one of IncidentBot's", body["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task PersonalChatCommandsNeedNoMention()
    {
        await using var teams = await TeamsHarness.StartAsync();
        var activity = teams.Fixture("message-channel-mention-tacv2.json");
        activity["conversation"] = new JsonObject { ["id"] = "a:personal-chat", ["conversationType"] = "personal" };
        activity["entities"] = new JsonArray();
        activity["text"] = "declare Search is slow sev3";

        await teams.SendAsync(activity);

        await Eventually.TrueAsync(async () => (await teams.App.ListIncidentsAsync()).Count == 1, "the declared incident");
        Assert.Equal("Search is slow", (await teams.App.GetIncidentAsync(1)).Title);
    }

    [Fact]
    public async Task RedeliveredActivityIsHandledOnce()
    {
        await using var teams = await TeamsHarness.StartAsync();
        await teams.App.CommandAsync(null, "alice", "declare Queue backlog sev2");
        await Eventually.TrueAsync(async () => (await teams.App.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "teams"), "the Teams thread");
        var thread = (await teams.App.GetIncidentAsync(1)).Channels.Single(c => c.Platform == "teams").Id;
        var activity = teams.Fixture("message-channel-mention-tacv2.json");
        activity["conversation"]!["id"] = thread;
        activity["text"] = "<at>ridotest</at> note consumers restarted";

        await teams.SendAsync(activity);
        await teams.SendAsync(activity);

        await Task.Delay(300);
        Assert.Single((await teams.App.GetIncidentAsync(1)).Timeline!, t => t.Kind == "note");
    }

    [Fact]
    public async Task RequestsWithoutAValidTokenAreRefusedBeforeAnythingIsHandled()
    {
        await using var teams = await TeamsHarness.StartAsync();
        var activity = teams.Fixture("message-channel-mention-tacv2.json");
        activity["text"] = "<at>ridotest</at> declare Forged sev1";

        var missing = await teams.App.CreateClient().PostAsync("/api/messages", new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var forged = await teams.SendAsync(activity, authorization: "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.");
        var otherServiceUrl = activity.DeepClone().AsObject();
        otherServiceUrl["serviceUrl"] = "https://evil.example/";
        var mismatched = await teams.SendAsync(otherServiceUrl, authorization: teams.AuthorizationFor(activity));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, mismatched.StatusCode);
        await Task.Delay(200);
        Assert.Empty(await teams.App.ListIncidentsAsync());
    }
}
