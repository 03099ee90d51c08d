using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;

namespace IncidentBot.Tests.Slack;

/// <summary>Socket Mode against a fake Slack WebSocket server: every envelope acknowledged, nothing lost on reconnect.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackSocketModeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EventsSlashCommandsAndButtonsArriveOverTheSocketAndAreAcknowledged()
    {
        await using var socket = await FakeSocketMode.StartAsync();
        await using var slack = await StartAsync(socket);
        await socket.WaitForConnectionAsync(1, Wait);
        await slack.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        // The binding, not just the channel: until the bot has stored it, a command in the channel names no incident.
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "slack"), "the incident channel");
        var channel = (await slack.App.GetIncidentAsync(1)).Channels.Single(c => c.Platform == "slack").Id;

        var mention = JsonNode.Parse(Fixtures.Read("slack/events-app-mention.json"))!.AsObject();
        mention["event"]!["channel"] = channel;
        mention["event"]!["user"] = "U0ALICE";
        mention["event"]!["text"] = "<@U0FAKEBOT> note replica lag is zero";
        mention["event_id"] = "EvSocket1";
        var eventEnvelope = await socket.SendEnvelopeAsync("events_api", mention);
        var commandEnvelope = await socket.SendEnvelopeAsync("slash_commands", new JsonObject
        {
            ["command"] = "/incident",
            ["text"] = "ack",
            ["user_id"] = "U0BOB",
            ["user_name"] = "bob",
            ["channel_id"] = channel,
        }, acceptsResponsePayload: true);
        var button = JsonNode.Parse(Fixtures.Read("slack/interactivity-block-actions.json"))!.AsObject();
        button["user"] = new JsonObject { ["id"] = "U0ALICE", ["username"] = "alice" };
        button["channel"] = new JsonObject { ["id"] = channel };
        button["actions"]![0]!["action_id"] = "incidentbot.command.0";
        button["actions"]![0]!["value"] = "done database-failover";
        var buttonEnvelope = await socket.SendEnvelopeAsync("interactive", button);

        await socket.WaitForAckAsync(eventEnvelope, Wait);
        await socket.WaitForAckAsync(commandEnvelope, Wait);
        await socket.WaitForAckAsync(buttonEnvelope, Wait);
        await Eventually.TrueAsync(async () =>
        {
            var incident = await slack.App.GetIncidentAsync(1);
            return incident.Status == "acknowledged" && incident.RunbookSessions![0].CurrentStep == 2 && incident.Timeline!.Any(t => t.Kind == "note");
        }, "the note, the ack and the completed step");
        var timeline = (await slack.App.GetIncidentAsync(1)).Timeline!;
        Assert.Contains(timeline, t => t.Kind == "note" && t.Actor == "alice" && t.Text == "replica lag is zero");
        Assert.Contains(timeline, t => t.Kind == "acknowledged" && t.Actor == "bob");
    }

    [Fact]
    public async Task DisconnectAndReconnectLoseNothing()
    {
        await using var socket = await FakeSocketMode.StartAsync();
        await using var slack = await StartAsync(socket);
        await socket.WaitForConnectionAsync(1, Wait);
        await slack.App.CommandAsync(null, "alice", "declare Queue backlog sev2");
        await Eventually.TrueAsync(() => slack.Slack.FindChannel("inc-1-queue-backlog") is not null, "the incident channel");
        var channel = slack.Slack.FindChannel("inc-1-queue-backlog")!.Id;

        await socket.SendDisconnectAsync("refresh_requested");
        var queued = await socket.SendEnvelopeAsync("slash_commands", new JsonObject
        {
            ["command"] = "/incident",
            ["text"] = "update consumers scaled to 12",
            ["user_id"] = "U0BOB",
            ["user_name"] = "bob",
            ["channel_id"] = channel,
        });
        await socket.WaitForConnectionAsync(2, Wait);
        await socket.WaitForAckAsync(queued, Wait);
        await socket.DropConnectionAsync();
        var afterDrop = await socket.SendEnvelopeAsync("slash_commands", new JsonObject
        {
            ["command"] = "/incident",
            ["text"] = "ack",
            ["user_id"] = "U0BOB",
            ["user_name"] = "bob",
            ["channel_id"] = channel,
        });
        await socket.WaitForConnectionAsync(3, Wait);
        await socket.WaitForAckAsync(afterDrop, Wait);

        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Status == "acknowledged", "the ack sent after the drop");
        var timeline = (await slack.App.GetIncidentAsync(1)).Timeline!;
        Assert.Single(timeline, t => t.Kind == "status-update" && t.Text == "consumers scaled to 12");
        Assert.Single(timeline, t => t.Kind == "acknowledged");
    }

    [Fact]
    public async Task AnEnvelopeDeliveredAgainActsOnce()
    {
        await using var socket = await FakeSocketMode.StartAsync();
        await using var slack = await StartAsync(socket);
        await socket.WaitForConnectionAsync(1, Wait);
        await slack.App.CommandAsync(null, "alice", "declare Queue backlog sev2");
        // The binding, not just the channel: until the bot has stored it, a command in the channel names no incident.
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "slack"), "the incident channel");
        var channel = (await slack.App.GetIncidentAsync(1)).Channels.Single(c => c.Platform == "slack").Id;
        JsonObject Note(string text) => new() { ["command"] = "/incident", ["text"] = $"note {text}", ["user_id"] = "U0BOB", ["user_name"] = "bob", ["channel_id"] = channel };

        var envelope = await socket.SendEnvelopeAsync("slash_commands", Note("consumers restarted"));
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Timeline!.Any(t => t.Text.Contains("consumers restarted")), "the note");
        socket.SendAgain(envelope);
        await Eventually.TrueAsync(() => socket.AckCount(envelope) == 2, "the second delivery to be acknowledged");
        await socket.WaitForAckAsync(await socket.SendEnvelopeAsync("slash_commands", Note("marker")), Wait);
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Timeline!.Any(t => t.Text.Contains("marker")), "the marker note");
        await Task.Delay(200);

        Assert.Single((await slack.App.GetIncidentAsync(1)).Timeline!, t => t.Text.Contains("consumers restarted"));
    }

    private static Task<SlackHarness> StartAsync(FakeSocketMode socket) =>
        SlackHarness.StartAsync(new FakeSlackOptions { SocketMode = socket }, new() { ["Slack:SigningSecret"] = "", ["Slack:AppToken"] = "xapp-test" });
}
