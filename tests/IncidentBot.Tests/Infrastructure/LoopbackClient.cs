using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// A client on its own loopback address (Linux routes all of 127.0.0.0/8 to lo), so one test can play several
/// clients that the bot tells apart by address: 127.0.0.3 misbehaving, 127.0.0.2 an honest alert source (and
/// 127.0.0.1 the test's own <see cref="BotProcess.Client"/>, whose pooled connections count for 127.0.0.1).
/// </summary>
public static class LoopbackClient
{
    public static readonly IPAddress Greedy = IPAddress.Parse("127.0.0.3");
    public static readonly IPAddress Honest = IPAddress.Parse("127.0.0.2");

    /// <summary>An HTTP client whose connections come from <paramref name="source"/>.</summary>
    public static HttpClient Http(int port, IPAddress source, TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = await ConnectAsync(port, source, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };

    /// <summary>A raw TCP connection from <paramref name="source"/> to the bot on 127.0.0.1.</summary>
    public static async Task<Socket> ConnectAsync(int port, IPAddress source, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A generic alert as <paramref name="source"/> sends it: the answer's status and how long it took.</summary>
    public static async Task<(HttpStatusCode Status, TimeSpan Took)> PostAlertAsync(HttpClient client, string title)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var body = new StringContent($$"""{"title":"{{title}}","dedupKey":"{{title}}"}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/webhooks/generic", body);
        return (response.StatusCode, started.Elapsed);
    }
}
