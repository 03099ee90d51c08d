using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Inbound;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Inbound;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.SocketMode;

/// <summary>
/// Socket Mode, for teams without public ingress: opens a WebSocket from <c>apps.connections.open</c>, acknowledges
/// every envelope by id before handling it, and reconnects (with a fresh URL) after <c>disconnect</c> or a drop.
/// Envelopes feed the same handlers as HTTP.
/// </summary>
internal sealed class SlackSocketModeClient(
    SlackWebApiClient slack,
    SlackInbound inbound,
    SlackWorkQueue work,
    SlackDeduplication deduplication,
    IOptions<SlackOptions> options,
    ILogger<SlackSocketModeClient> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var url = await slack.OpenSocketConnectionAsync(options.Value.AppToken!, stoppingToken);
                using var socket = new ClientWebSocket();
                socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(10);
                await socket.ConnectAsync(url, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(250);
                await ReceiveAsync(socket, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Slack Socket Mode connection lost ({Problem}); reconnecting in {Backoff}", ex.Message, backoff);
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Reads frames until Slack says disconnect or the socket closes.</summary>
    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken stoppingToken)
    {
        while (socket.State == WebSocketState.Open)
        {
            if (await ReadFrameAsync(socket, stoppingToken) is not { } bytes)
            {
                return;
            }
            JsonObject frame;
            try
            {
                frame = StrictJson.ParseNode(bytes) as JsonObject ?? throw new JsonException("The frame is not a JSON object.");
            }
            catch (JsonException ex)
            {
                // One unreadable frame is skipped; dropping the connection for it would lose the ones after it.
                logger.LogWarning("Skipped a Slack Socket Mode frame that is not valid JSON: {Problem}", ex.Message);
                continue;
            }
            switch (frame["type"].Text())
            {
                case "hello":
                    logger.LogInformation("Slack Socket Mode connected ({Connections} connection(s))", frame["num_connections"]);
                    break;
                case "disconnect":
                    logger.LogInformation("Slack asked to reconnect: {Reason}", frame["reason"]);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", stoppingToken);
                    return;
                default:
                    await AcknowledgeAndDispatchAsync(socket, frame, stoppingToken);
                    break;
            }
        }
    }

    private async Task AcknowledgeAndDispatchAsync(ClientWebSocket socket, JsonObject envelope, CancellationToken stoppingToken)
    {
        if (envelope["envelope_id"].Text() is not { } id)
        {
            return;
        }
        // Acknowledge first: Slack redelivers anything not acknowledged within three seconds.
        var ack = Encoding.UTF8.GetBytes(new JsonObject { ["envelope_id"] = id }.ToJsonString());
        await socket.SendAsync(ack, WebSocketMessageType.Text, endOfMessage: true, stoppingToken);
        if (envelope["payload"] is not JsonObject payload)
        {
            return;
        }
        // An envelope whose acknowledgement Slack missed comes again with the same id; it was handled already.
        if (!await deduplication.FirstEnvelopeAsync(id, stoppingToken))
        {
            logger.LogInformation("Slack envelope {EnvelopeId} was already handled; ignoring the redelivery", id);
            return;
        }
        switch (envelope["type"].Text())
        {
            case "events_api":
                work.Enqueue("event", ct => inbound.HandleEventAsync(payload, ct));
                break;
            case "slash_commands":
                var form = payload.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString());
                work.Enqueue("slash command", ct => inbound.HandleSlashCommandAsync(form, ct));
                break;
            case "interactive":
                work.Enqueue("interaction", ct => inbound.HandleInteractionAsync(payload, ct));
                break;
        }
    }

    private static async Task<byte[]?> ReadFrameAsync(ClientWebSocket socket, CancellationToken stoppingToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, stoppingToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return message.ToArray();
    }
}
