using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace IncidentBot.Bench.Bot;

/// <summary>
/// A TCP proxy on 127.0.0.1 that holds every chunk of bytes, each way, for a fixed time before passing it on, in order
/// and without limiting throughput: a database across a network, for <c>--database-latency</c>. On loopback a round
/// trip to PostgreSQL costs tens of microseconds; a managed database in another zone costs a millisecond or more, and
/// every round trip of the bot's intake cycle pays it.
/// </summary>
public sealed class LatencyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly DnsEndPoint _target;
    private readonly long _delayTicks;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private LatencyProxy(DnsEndPoint target, TimeSpan oneWay)
    {
        _target = target;
        _delayTicks = (long)(oneWay.TotalSeconds * Stopwatch.Frequency);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The loopback port that reaches the target through the delay.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static LatencyProxy Start(string host, int port, TimeSpan oneWay) => new(new DnsEndPoint(host, port), oneWay);

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        using (var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_target, _stopping.Token);
                await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A side closed, or the bench is stopping: the other side sees the connection end.
            }
        }
    }

    /// <summary>Reads chunks as they come and sends each once it has been held for the delay, in the order read.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var held = Channel.CreateUnbounded<(long Due, byte[] Bytes, int Length)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sending = SendAsync(held.Reader, to);
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token)) > 0)
            {
                var bytes = ArrayPool<byte>.Shared.Rent(read);
                buffer.AsSpan(0, read).CopyTo(bytes);
                held.Writer.TryWrite((Stopwatch.GetTimestamp() + _delayTicks, bytes, read));
            }
        }
        finally
        {
            held.Writer.TryComplete();
            await sending;
        }
    }

    private async Task SendAsync(ChannelReader<(long Due, byte[] Bytes, int Length)> held, Socket to)
    {
        try
        {
            await foreach (var (due, bytes, length) in held.ReadAllAsync(_stopping.Token))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stopping.Token);
                }
                await to.SendAsync(bytes.AsMemory(0, length), SocketFlags.None, _stopping.Token);
                ArrayPool<byte>.Shared.Return(bytes);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }
}
