using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>One accepted Socket Mode WebSocket with a single writer fed by an outbox, so frames leave in the order they were queued.</summary>
internal sealed class FakeSocketModeConnection(HttpContext context, WebSocket socket, Lock gate)
{
    private static readonly object CloseFrame = new();
    private readonly Channel<object> _outbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Envelopes queued or sent on this socket and not yet acked; guarded by <c>gate</c>.</summary>
    public List<FakeSocketModeEnvelope> InFlight { get; } = [];

    /// <summary>Set once the server has said goodbye, so new envelopes go elsewhere; guarded by <c>gate</c>.</summary>
    public bool Closing { get; set; }

    public void Enqueue(object frameOrEnvelope) => _outbox.Writer.TryWrite(frameOrEnvelope);

    public void EnqueueClose() => _outbox.Writer.TryWrite(CloseFrame);

    public void Abort() => context.Abort();

    /// <summary>Reads frames until the client closes or the socket dies, then flushes the outbox (which answers a close).</summary>
    public async Task RunAsync(Action<string> onFrame, CancellationToken cancel)
    {
        var writer = WriteAsync();
        try
        {
            while (await ReceiveTextAsync(cancel) is { } frame)
            {
                onFrame(frame);
            }

            EnqueueClose();
        }
        finally
        {
            _outbox.Writer.TryComplete();
            await writer;
        }
    }

    public static bool IsSocketFailure(Exception e) =>
        e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException;

    private async Task WriteAsync()
    {
        try
        {
            await foreach (var item in _outbox.Reader.ReadAllAsync())
            {
                // After our close frame nothing else may be sent; unsent envelopes stay in flight and are requeued.
                if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    continue;
                }

                if (item == CloseFrame)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    continue;
                }

                var envelope = item as FakeSocketModeEnvelope;
                string text;
                lock (gate)
                {
                    text = envelope?.ToJson() ?? (string)item;
                }

                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
                if (envelope is not null)
                {
                    lock (gate)
                    {
                        envelope.Deliveries++;
                    }
                }
            }
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            context.Abort();
        }
    }

    private async Task<string?> ReceiveTextAsync(CancellationToken cancel)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancel);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
