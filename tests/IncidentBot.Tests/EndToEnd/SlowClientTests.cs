using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>Slowloris against the real Kestrel: slow clients are cut off by the configured timeouts and everyone else is served.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlowClientTests : IDisposable
{
    private static readonly TimeSpan CutOffWithin = TimeSpan.FromSeconds(8);

    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-slow-").FullName;

    [Fact]
    public async Task SlowHeadersAndSlowBodiesAreCutOffWhileOtherClientsAreServedPromptly()
    {
        await using var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string>
        {
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:02",
            ["Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond"] = "240",
            ["Kestrel:Limits:MinRequestBodyDataRate:GracePeriod"] = "00:00:02",
        });
        var clock = Stopwatch.StartNew();

        // 40 clients send their headers a byte at a time; 20 send whole headers, then the body a byte a second.
        var slow = Enumerable.Range(0, 60).Select(i => SlowClientAsync(bot.Port, slowHeaders: i < 40, clock)).ToList();
        await Task.Delay(500);

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var started = clock.Elapsed;
            var health = await bot.Client.GetAsync("/healthz");
            var alert = await bot.Client.PostAsync("/webhooks/generic", new StringContent($$"""{"title":"Prompt {{i}}","dedupKey":"prompt"}""", Encoding.UTF8, "application/json"));
            latencies.Add(clock.Elapsed - started);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, alert.StatusCode);
            await Task.Delay(100);
        }

        var cutOff = await Task.WhenAll(slow);
        Assert.True(latencies.Max() < TimeSpan.FromSeconds(2), $"an ordinary request took {latencies.Max()} while slow clients were connected");
        var seconds = string.Join(", ", cutOff.Select(c => c?.TotalSeconds.ToString("0.0") ?? "never"));
        Assert.True(cutOff.All(at => at < CutOffWithin), $"every slow client should be cut off within {CutOffWithin.TotalSeconds} s; cut off after: {seconds}");
        Assert.Equal(HttpStatusCode.OK, (await bot.Client.GetAsync("/readyz")).StatusCode);
    }

    /// <summary>Trickles one request and returns when the server closed the connection, or null if it never did.</summary>
    private static async Task<TimeSpan?> SlowClientAsync(int port, bool slowHeaders, Stopwatch clock)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var closed = WaitUntilClosedAsync(stream);
        var head = slowHeaders
            ? "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + new string('x', 100)
            : "POST /webhooks/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
        var trickle = slowHeaders ? head : new string(' ', 100);
        var pause = TimeSpan.FromMilliseconds(slowHeaders ? 250 : 1_000);
        try
        {
            if (!slowHeaders)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            }
            for (var i = 0; i < trickle.Length && !closed.IsCompleted && clock.Elapsed < CutOffWithin + TimeSpan.FromSeconds(2); i++)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(trickle[i..(i + 1)]));
                await Task.WhenAny(closed, Task.Delay(pause));
            }
        }
        catch (IOException)
        {
            // The server reset the connection while we wrote: cut off.
        }
        return await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(2))) == closed ? clock.Elapsed : null;
    }

    private static async Task WaitUntilClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
                // A 408 answer may come first; the connection closing is what counts.
            }
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
