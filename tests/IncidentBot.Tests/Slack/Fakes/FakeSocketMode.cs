using IncidentBot.Tests.Infrastructure;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>A loopback Socket Mode server: hello on connect, envelopes and acks, disconnects, drops and Slack-like redelivery.</summary>
public sealed partial class FakeSocketMode : IAsyncDisposable
{
    private static readonly TimeSpan DisconnectGrace = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly ChangeSignal _changed = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<FakeSocketModeConnection> _open = [];
    private readonly List<FakeSocketModeEnvelope> _pending = [];
    private readonly Dictionary<string, string> _acks = [];
    private readonly List<string> _ackOrder = [];
    private readonly Dictionary<string, FakeSocketModeEnvelope> _sent = [];
    private readonly Dictionary<string, int> _ackCounts = [];
    private WebApplication? _app;
    private int _port;
    private int _connectionCount;

    private FakeSocketMode()
    {
    }

    /// <summary><c>ws://127.0.0.1:&lt;port&gt;/link/</c>; any query (the ticket) is accepted.</summary>
    public Uri Url => new($"ws://127.0.0.1:{_port}/link/");

    /// <summary>Connections accepted since start.</summary>
    public int ConnectionCount => _gate.Locked(() => _connectionCount);

    public bool IsConnected => _gate.Locked(() => _open.Count > 0);

    /// <summary>Acked envelope ids in the order the acks arrived.</summary>
    public IReadOnlyList<string> Acks => _gate.Locked(() => _ackOrder.ToList());

    public static async Task<FakeSocketMode> StartAsync()
    {
        var fake = new FakeSocketMode();
        (fake._app, fake._port) = await LoopbackHost.StartAsync(app =>
        {
            app.UseWebSockets();
            app.Map("/link", fake.AcceptAsync);
        });
        return fake;
    }

    /// <summary>Queues an envelope for the newest connection, or for the next one when none is open; returns its envelope_id.</summary>
    public Task<string> SendEnvelopeAsync(string type, JsonNode payload, bool acceptsResponsePayload = false)
    {
        var envelope = new FakeSocketModeEnvelope(type, payload, acceptsResponsePayload);
        _gate.Locked(() =>
        {
            _sent[envelope.Id] = envelope;
            Route(envelope);
        });
        return Task.FromResult(envelope.Id);
    }

    /// <summary>How many times the client acknowledged the envelope (once per delivery it received).</summary>
    public int AckCount(string envelopeId) => _gate.Locked(() => _ackCounts.GetValueOrDefault(envelopeId));

    /// <summary>Delivers an envelope once more, with the same envelope_id, as Slack does when an ack got lost on the way.</summary>
    public void SendAgain(string envelopeId) => _gate.Locked(() => Route(_sent[envelopeId]));

    /// <summary>Waits for the client's ack of an envelope and returns the ack frame as sent (with any <c>payload</c>).</summary>
    public async Task<string> WaitForAckAsync(string envelopeId, TimeSpan timeout)
    {
        await _changed.WaitUntilAsync(() => _gate.Locked(() => _acks.ContainsKey(envelopeId)), timeout, $"the ack of {envelopeId}");
        return _gate.Locked(() => _acks[envelopeId]);
    }

    public Task WaitForConnectionAsync(int count, TimeSpan timeout) =>
        _changed.WaitUntilAsync(() => ConnectionCount >= count, timeout, $"connection #{count}");

    /// <summary>Sends Slack's disconnect frame to the newest connection, closes it shortly after and returns once it has ended.</summary>
    public async Task SendDisconnectAsync(string reason = "refresh_requested")
    {
        var frame = new JsonObject { ["type"] = "disconnect", ["reason"] = reason, ["debug_info"] = new JsonObject { ["host"] = "fake" } };
        var connection = _gate.Locked(() =>
        {
            var current = Current();
            current.Closing = true;
            current.Enqueue(frame.ToJsonString());
            return current;
        });
        await Task.Delay(DisconnectGrace);
        connection.EnqueueClose();
        try
        {
            await WaitForEndAsync(connection);
        }
        catch (TimeoutException)
        {
            // A client that never answers the close is cut off, as Slack's server would.
            connection.Abort();
            await WaitForEndAsync(connection);
        }
    }

    /// <summary>Kills the newest connection without a close frame, like a network failure, and returns once it has ended.</summary>
    public async Task DropConnectionAsync()
    {
        var connection = _gate.Locked(Current);
        connection.Abort();
        await WaitForEndAsync(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _gate.Locked(() => _open.ForEach(c => c.Abort()));
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private FakeSocketModeConnection Current() =>
        _open.LastOrDefault(c => !c.Closing) ?? throw new InvalidOperationException("No Socket Mode client is connected.");

    private Task WaitForEndAsync(FakeSocketModeConnection connection) =>
        _changed.WaitUntilAsync(() => _gate.Locked(() => !_open.Contains(connection)), CloseHandshakeTimeout, "the connection to end");

}
