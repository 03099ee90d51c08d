using System.Net;
using static IncidentBot.Tests.Teams.Fakes.TeamsHttp;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>The Connector fake keeps channel threads like Teams, driven by a plain HttpClient.</summary>
public sealed class FakeBotConnectorTests
{
    [Fact]
    public async Task CallsWithoutATokenForTheConnectorScopeAreDenied()
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);
        await using var connector = await FakeBotConnector.StartAsync(tokens);
        connector.AddChannel(Channel);
        var url = new Uri(connector.ServiceUrl, "v3/conversations");

        var none = await SendAsync(HttpMethod.Post, url, null, NewThread(Channel, "x"));
        var graph = await SendAsync(HttpMethod.Post, url, await TokenAsync(tokens, FakeEntraToken.GraphScope), NewThread(Channel, "x"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal("Authorization has been denied for this request.", (string?)none.Body!["message"]);
        Assert.Equal(HttpStatusCode.Unauthorized, graph.Status);
        Assert.Empty(connector.Conversations);
        Assert.Equal([401, 401], connector.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task ThreadKeepsSendsRepliesAndUpdatesWithTheirHistory()
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);
        await using var connector = await FakeBotConnector.StartAsync(tokens);
        connector.AddChannel(Channel);
        var token = await TokenAsync(tokens, FakeEntraToken.BotConnectorScope);
        var card = new { type = "AdaptiveCard", version = "1.5", body = new[] { new { type = "TextBlock", text = "SEV1" } } };
        var cardActivity = new { type = "message", attachments = new[] { new { contentType = "application/vnd.microsoft.card.adaptive", content = card } } };

        var created = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, "v3/conversations"), token, NewThread(Channel, "Incident opened"));
        var threadId = (string)created.Body!["id"]!;
        var rootId = (string)created.Body["activityId"]!;
        var raw = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, $"v3/conversations/{threadId}/activities"), token, cardActivity);
        var escaped = new Uri(connector.ServiceUrl, $"v3/conversations/{Uri.EscapeDataString(threadId)}/activities/");
        var reply = await SendAsync(HttpMethod.Post, new Uri(escaped, rootId), token, new { type = "message", text = "ack" });
        var cardId = (string)raw.Body!["id"]!;
        var update = await SendAsync(HttpMethod.Put, new Uri(escaped, cardId), token, new { type = "message", id = cardId, text = "resolved" });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"{Channel};messageid={rootId}", threadId);
        Assert.Matches("^[0-9]{13}$", rootId);
        Assert.Equal(connector.ServiceUrl.ToString(), (string?)created.Body["serviceUrl"]);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK], new[] { raw.Status, reply.Status, update.Status });
        Assert.Equal(cardId, (string?)update.Body!["id"]);
        var thread = Assert.Single(connector.Conversations);
        Assert.Equal((threadId, Channel, "tenant-1"), (thread.Id, thread.ChannelId, thread.TenantId));
        Assert.Equal(["Incident opened", "resolved", "ack"], thread.Activities.Select(a => a.Text));
        Assert.Equal(rootId, thread.Activities[2].ReplyToId);
        var updated = thread.Activities[1];
        Assert.Equal("SEV1", (string?)Assert.Single(Assert.Single(updated.History).AsObject()["attachments"]!.AsArray())!["content"]!["body"]![0]!["text"]);
        Assert.Empty(updated.AdaptiveCards);
        Assert.Equal(4, connector.Calls.Count);
    }

    [Fact]
    public async Task AdaptiveCardsAreReadableFromTheRecordedActivity()
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);
        await using var connector = await FakeBotConnector.StartAsync(tokens);
        connector.AddChannel(Channel);
        var token = await TokenAsync(tokens, FakeEntraToken.BotConnectorScope);
        var card = new { type = "AdaptiveCard", version = "1.5" };

        var posted = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, $"v3/conversations/{Channel}/activities"), token,
            new { type = "message", attachments = new[] { new { contentType = "application/vnd.microsoft.card.adaptive", content = card } } });

        // A top-level post to the bare channel id starts a thread, as in Teams.
        var thread = Assert.Single(connector.Conversations);
        var root = Assert.Single(thread.Activities);
        Assert.Equal($"{Channel};messageid={(string)posted.Body!["id"]!}", thread.Id);
        Assert.Equal("message", root.Type);
        Assert.Equal("1.5", (string?)Assert.Single(root.AdaptiveCards)["version"]);
    }

    [Fact]
    public async Task UnknownChannelsConversationsAndActivitiesAre404()
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);
        await using var connector = await FakeBotConnector.StartAsync(tokens);
        connector.AddChannel(Channel);
        var token = await TokenAsync(tokens, FakeEntraToken.BotConnectorScope);
        var created = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, "v3/conversations"), token, NewThread(Channel, "x"));
        var thread = (string)created.Body!["id"]!;
        var message = new { type = "message", text = "x" };

        var otherChannel = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, "v3/conversations"), token, NewThread("19:nope@thread.tacv2", "x"));
        var otherThread = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, $"v3/conversations/{Channel};messageid=1/activities"), token, message);
        var replyToNothing = await SendAsync(HttpMethod.Post, new Uri(connector.ServiceUrl, $"v3/conversations/{thread}/activities/42"), token, message);
        var updateNothing = await SendAsync(HttpMethod.Put, new Uri(connector.ServiceUrl, $"v3/conversations/{thread}/activities/42"), token, message);

        Assert.Equal(HttpStatusCode.NotFound, otherChannel.Status);
        Assert.Equal("ConversationNotFound", otherChannel.ErrorCode);
        Assert.Equal("ConversationNotFound", otherThread.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, replyToNothing.Status);
        Assert.Equal(HttpStatusCode.NotFound, updateNothing.Status);
        Assert.Single(Assert.Single(connector.Conversations).Activities);
    }
}
