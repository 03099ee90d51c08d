using IncidentBot.Tests.Infrastructure;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>Accepting sockets, routing envelopes and recording acks.</summary>
public sealed partial class FakeSocketMode
{
    // Slack redelivers an unacked envelope once; after that it is dropped.
    private const int MaxDeliveries = 2;

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeSocketModeConnection(context, socket, _gate);
        _gate.Locked(() =>
        {
            _open.Add(connection);
            _connectionCount++;
            connection.Enqueue(Hello(_open.Count));
            _pending.ForEach(Route);
            _pending.Clear();
        });
        _changed.Pulse();
        try
        {
            await connection.RunAsync(OnFrame, _stopping.Token);
        }
        catch (Exception e) when (FakeSocketModeConnection.IsSocketFailure(e))
        {
            // The client vanished; what it had not acked is routed again below.
        }
        finally
        {
            _gate.Locked(() =>
            {
                _open.Remove(connection);
                var unacked = connection.InFlight.FindAll(e => e.Deliveries < MaxDeliveries);
                connection.InFlight.Clear();
                if (_open.Exists(c => !c.Closing))
                {
                    unacked.ForEach(Route);
                }
                else
                {
                    _pending.InsertRange(0, unacked);
                }
            });
            _changed.Pulse();
        }
    }

    /// <summary>Hands an envelope to the newest open connection, or keeps it for the next; callers hold the lock.</summary>
    private void Route(FakeSocketModeEnvelope envelope)
    {
        if (_open.LastOrDefault(c => !c.Closing) is { } connection)
        {
            connection.InFlight.Add(envelope);
            connection.Enqueue(envelope);
        }
        else
        {
            _pending.Add(envelope);
        }
    }

    private void OnFrame(string frame)
    {
        // Clients send only acks; anything else is ignored, as Slack does.
        JsonNode? ack;
        try
        {
            ack = JsonNode.Parse(frame);
        }
        catch (JsonException)
        {
            return;
        }

        if (ack is not JsonObject { } obj || obj["envelope_id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
        {
            return;
        }

        _gate.Locked(() =>
        {
            if (_acks.TryAdd(id, frame))
            {
                _ackOrder.Add(id);
            }
            _ackCounts[id] = _ackCounts.GetValueOrDefault(id) + 1;

            _open.ForEach(c => c.InFlight.RemoveAll(e => e.Id == id));
        });
        _changed.Pulse();
    }

    private static string Hello(int openConnections) => new JsonObject
    {
        ["type"] = "hello",
        ["num_connections"] = openConnections,
        ["debug_info"] = new JsonObject { ["host"] = "fake", ["approximate_connection_time"] = 3600 },
        ["connection_info"] = new JsonObject { ["app_id"] = FakeSlackMethods.AppId },
    }.ToJsonString();
}
