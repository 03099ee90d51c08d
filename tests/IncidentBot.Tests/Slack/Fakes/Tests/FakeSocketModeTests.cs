using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>The Socket Mode fake speaks Slack's frames to a plain ClientWebSocket.</summary>
public sealed class FakeSocketModeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task HelloArrivesOnConnect()
    {
        await using var server = await FakeSocketMode.StartAsync();
        using var client = await ConnectAsync(server);

        var hello = await ReceiveAsync(client);

        Assert.Equal("hello", hello["type"]!.GetValue<string>());
        Assert.Equal(1, hello["num_connections"]!.GetValue<int>());
        Assert.Equal("A0FAKE", hello["connection_info"]!["app_id"]!.GetValue<string>());
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task EnvelopeIsDeliveredAndItsAckAndResponsePayloadRecorded()
    {
        await using var server = await FakeSocketMode.StartAsync();
        using var client = await ConnectAsync(server);
        await ReceiveAsync(client);

        var id = await server.SendEnvelopeAsync("slash_commands", new JsonObject { ["command"] = "/incident" }, acceptsResponsePayload: true);
        var envelope = await ReceiveAsync(client);
        await SendAsync(client, new JsonObject { ["envelope_id"] = id, ["payload"] = new JsonObject { ["text"] = "Declared" } });
        var ack = JsonNode.Parse(await server.WaitForAckAsync(id, Timeout))!;

        Assert.Equal(id, envelope["envelope_id"]!.GetValue<string>());
        Assert.Equal("/incident", envelope["payload"]!["command"]!.GetValue<string>());
        Assert.True(envelope["accepts_response_payload"]!.GetValue<bool>());
        Assert.Equal("Declared", ack["payload"]!["text"]!.GetValue<string>());
        Assert.Equal([id], server.Acks);
    }

    [Fact]
    public async Task EnvelopeSentBetweenDisconnectAndReconnectIsNotLost()
    {
        await using var server = await FakeSocketMode.StartAsync();
        using var first = await ConnectAsync(server);
        await ReceiveAsync(first);

        var disconnecting = server.SendDisconnectAsync();
        var disconnect = await ReceiveAsync(first);
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await disconnecting;
        var connectedBetween = server.IsConnected;
        var id = await server.SendEnvelopeAsync("events_api", new JsonObject { ["event_id"] = "Ev1" });
        using var second = await ConnectAsync(server);
        var hello = await ReceiveAsync(second);
        var envelope = await ReceiveAsync(second);

        Assert.Equal("refresh_requested", disconnect["reason"]!.GetValue<string>());
        Assert.False(connectedBetween);
        Assert.Equal("hello", hello["type"]!.GetValue<string>());
        Assert.Equal(id, envelope["envelope_id"]!.GetValue<string>());
        Assert.Equal(0, envelope["retry_attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnackedEnvelopeIsRedeliveredOnceAfterADrop()
    {
        await using var server = await FakeSocketMode.StartAsync();
        using var first = await ConnectAsync(server);
        await ReceiveAsync(first);
        var lost = await server.SendEnvelopeAsync("events_api", new JsonObject { ["event_id"] = "Ev2" });
        await ReceiveAsync(first);

        await server.DropConnectionAsync();
        using var second = await ConnectAsync(server);
        await ReceiveAsync(second);
        var redelivered = await ReceiveAsync(second);
        await server.DropConnectionAsync();
        using var third = await ConnectAsync(server);
        await ReceiveAsync(third);
        var fresh = await server.SendEnvelopeAsync("events_api", new JsonObject { ["event_id"] = "Ev3" });
        var next = await ReceiveAsync(third);

        Assert.Equal(lost, redelivered["envelope_id"]!.GetValue<string>());
        Assert.Equal(1, redelivered["retry_attempt"]!.GetValue<int>());
        Assert.Equal(fresh, next["envelope_id"]!.GetValue<string>());
        Assert.Equal(3, server.ConnectionCount);
    }

    [Fact]
    public async Task TheUrlFromConnectionsOpenReachesTheServer()
    {
        await using var server = await FakeSocketMode.StartAsync();
        await using var slack = await FakeSlackApi.StartAsync(new() { SocketMode = server });
        var opened = await SlackHttp.CallAsync(slack, "apps.connections.open", token: "xapp-test");

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(opened.Body!["url"]!.GetValue<string>()), CancellationToken.None);
        await server.WaitForConnectionAsync(1, Timeout);

        Assert.Equal("hello", (await ReceiveAsync(client))["type"]!.GetValue<string>());
    }

    private static async Task<ClientWebSocket> ConnectAsync(FakeSocketMode server)
    {
        var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(server.Url, "?ticket=1"), CancellationToken.None);
        return client;
    }

    private static async Task<JsonNode> ReceiveAsync(ClientWebSocket client)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var buffer = new byte[16 * 1024];
        var result = await client.ReceiveAsync(buffer, cancel.Token);
        Assert.True(result.EndOfMessage, "the fake sends small frames whole");
        return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!;
    }

    private static Task SendAsync(ClientWebSocket client, JsonNode frame) =>
        client.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
}
