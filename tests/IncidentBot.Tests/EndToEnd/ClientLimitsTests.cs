using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>
/// One client (127.0.0.3) holds event streams, idle connections or slow request heads, or floods webhooks, up to
/// and past its limits against the real process; another client (127.0.0.2) still gets its alerts accepted
/// promptly, and the greedy one is refused with <c>429</c> or closed connections.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ClientLimitsTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>What "promptly" means for the honest client's alert while the greedy one misbehaves.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(2);

    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-clients-").FullName;

    public enum Misbehaviour { IdleKeepAlive, SlowHeaders }

    [Fact]
    public async Task EventStreamsPastAClientsCapAreRefusedWith429WhileAnotherClientIsServed()
    {
        await using var bot = await BotProcess.StartAsync(_data);
        using var greedy = LoopbackClient.Http(bot.Port, LoopbackClient.Greedy, Timeout.InfiniteTimeSpan);
        using var honest = LoopbackClient.Http(bot.Port, LoopbackClient.Honest, Timeout.InfiniteTimeSpan);

        var streams = new List<EventStream>();
        for (var i = 0; i < 5; i++)
        {
            streams.Add(await EventStream.OpenAsync(greedy));
        }
        for (var i = 0; i < 3; i++)
        {
            using var refused = await greedy.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("ClientLimits:MaxEventStreams", await refused.Content.ReadAsStringAsync());
        }

        var (status, took) = await LoopbackClient.PostAlertAsync(honest, "Honest during streams");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.True(took < Promptly, $"the other client's alert took {took}");
        // The cap is per client: the other one opens streams of its own, and they carry the update.
        await using var honestStream = await EventStream.OpenAsync(honest);
        await LoopbackClient.PostAlertAsync(honest, "Seen live");
        Assert.Contains("event: incident", await honestStream.ReadUntilAsync(line => line.StartsWith("event: incident", StringComparison.Ordinal)));

        // Closing one of its streams gives the greedy client room for one more.
        await streams[0].DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            var response = await greedy.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                streams[0] = new EventStream(response, await response.Content.ReadAsStreamAsync());
                return true;
            }
            response.Dispose();
            return false;
        }, "a stream to be allowed again after one closed", TimeSpan.FromSeconds(10));
        Assert.Contains("Refused client 127.0.0.3 (event streams)", bot.Output);
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(Misbehaviour.IdleKeepAlive)]
    [InlineData(Misbehaviour.SlowHeaders)]
    public async Task ConnectionsPastAClientsCapAreClosedWhileAnotherClientIsServed(Misbehaviour misbehaviour)
    {
        const int cap = 20, extra = 10;
        await using var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string>
        {
            ["ClientLimits:MaxConnections"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Far longer than the test: the per-client cap, not a timeout, is what closes connections here.
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:02:00",
            ["Kestrel:Limits:KeepAliveTimeout"] = "00:02:00",
        });
        using var honest = LoopbackClient.Http(bot.Port, LoopbackClient.Honest);

        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < cap + extra; i++)
            {
                var socket = await LoopbackClient.ConnectAsync(bot.Port, LoopbackClient.Greedy);
                sockets.Add(socket);
                if (misbehaviour == Misbehaviour.IdleKeepAlive && i < cap)
                {
                    // A whole request and its answer, then the connection sits idle, kept alive.
                    await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                    Assert.StartsWith("HTTP/1.1 200", await ReadHeadAsync(socket));
                }
                else
                {
                    // A request head that never ends.
                    await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
                }
            }

            // Exactly the connections past the cap are closed, at once (seconds, where the timeouts are minutes).
            var closedAt = await Task.WhenAll(sockets.Select(s => ClosedWithinAsync(s, Promptly)));
            var closedAfter = closedAt.Select(at => at is not null).ToArray();
            Assert.Equal(extra, closedAfter.Count(c => c));
            output.WriteLine($"{misbehaviour}: {extra} connections past the cap of {cap} closed, the last {closedAt.Max()!.Value.TotalMilliseconds:0} ms after the check began");

            var (status, took) = await LoopbackClient.PostAlertAsync(honest, $"Honest during {misbehaviour}");
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.True(took < Promptly, $"the other client's alert took {took}");

            // The connections within the cap are still open and served: finishing a slow head gets its answer.
            var open = sockets.Where((_, i) => !closedAfter[i]).ToList();
            Assert.Equal(cap, open.Count);
            var last = open[^1];
            await last.SendAsync(Encoding.ASCII.GetBytes(misbehaviour == Misbehaviour.SlowHeaders ? "x\r\n\r\n" : "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            Assert.StartsWith("HTTP/1.1 200", await ReadHeadAsync(last));

            // Closing one gives the greedy client room for one more connection.
            open[0].Dispose();
            await Eventually.TrueAsync(async () =>
            {
                using var again = LoopbackClient.Http(bot.Port, LoopbackClient.Greedy, TimeSpan.FromSeconds(5));
                try
                {
                    return (await again.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "a connection to be allowed again after one closed", TimeSpan.FromSeconds(10));
            Assert.Contains("Refused client 127.0.0.3 (connections)", bot.Output);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task AWebhookFloodFromOneClientIsRefusedWith429WhileAnotherClientsAlertsAreAccepted()
    {
        await using var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string>
        {
            ["ClientLimits:WebhooksPerSecond"] = "5",
            ["ClientLimits:WebhookBurst"] = "20",
        });
        using var greedy = LoopbackClient.Http(bot.Port, LoopbackClient.Greedy);
        using var honest = LoopbackClient.Http(bot.Port, LoopbackClient.Honest);

        var clock = Stopwatch.StartNew();
        var answers = new List<HttpResponseMessage>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var body = new StringContent($$"""{"title":"Flood {{i % 5}}","dedupKey":"flood-{{i % 5}}","fingerprint":"f{{i}}"}""", Encoding.UTF8, "application/json");
            var response = await greedy.PostAsync("/webhooks/generic", body, cancellationToken);
            lock (answers) { answers.Add(response); }
        });
        var seconds = clock.Elapsed.TotalSeconds;

        var accepted = answers.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        var refused = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(200, accepted + refused.Count);
        Assert.InRange(accepted, 20, 20 + (int)Math.Ceiling(5 * seconds) + 5);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After of at least a second"));
        Assert.Contains("ClientLimits:WebhooksPerSecond", await refused[0].Content.ReadAsStringAsync());
        output.WriteLine($"flood: {accepted} accepted, {refused.Count} refused with 429 in {seconds:0.00} s");
        answers.ForEach(r => r.Dispose());

        // The other client has a budget of its own: every one of its alerts is accepted, promptly.
        for (var i = 0; i < 15; i++)
        {
            var (status, took) = await LoopbackClient.PostAlertAsync(honest, $"Honest {i}");
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.True(took < Promptly, $"the other client's alert took {took}");
        }
        // Webhooks are a budget apart: the flooding client can still read the API.
        Assert.Equal(HttpStatusCode.OK, (await greedy.GetAsync("/api/incidents")).StatusCode);
        Assert.Contains("Refused client 127.0.0.3 (webhooks)", bot.Output);
    }

    [Fact]
    public async Task EventStreamsSendHeartbeatsAndEndAtTheirLifetime()
    {
        await using var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string>
        {
            ["ClientLimits:EventStreamHeartbeat"] = "00:00:01",
            ["ClientLimits:EventStreamLifetime"] = "00:00:05",
        });
        using var client = LoopbackClient.Http(bot.Port, LoopbackClient.Honest, Timeout.InfiniteTimeSpan);
        var clock = Stopwatch.StartNew();
        await using var stream = await EventStream.OpenAsync(client);

        var lines = new List<(TimeSpan At, string Line)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await stream.ReadLineAsync(deadline.Token) is { } line)
        {
            lines.Add((clock.Elapsed, line));
        }
        var ended = clock.Elapsed;

        var heartbeats = lines.Where(l => l.Line == ": heartbeat").Select(l => l.At).ToList();
        Assert.InRange(heartbeats.Count, 3, 6);
        Assert.InRange(ended, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(9));
        output.WriteLine($"heartbeats at {string.Join(", ", heartbeats.Select(h => h.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} s; stream ended at {ended.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task SigtermWithOpenEventStreamsExitsWithinFiveSeconds()
    {
        int exitCode;
        TimeSpan stopping;
        var endedCleanly = 0;
        var streams = new List<EventStream>();
        await using (var bot = await BotProcess.StartAsync(_data))
        {
            using var first = LoopbackClient.Http(bot.Port, LoopbackClient.Greedy, Timeout.InfiniteTimeSpan);
            using var second = LoopbackClient.Http(bot.Port, LoopbackClient.Honest, Timeout.InfiniteTimeSpan);
            for (var i = 0; i < 5; i++)
            {
                streams.Add(await EventStream.OpenAsync(first));
                streams.Add(await EventStream.OpenAsync(second));
            }

            var clock = Stopwatch.StartNew();
            exitCode = await bot.TerminateAsync(TimeSpan.FromSeconds(60));
            stopping = clock.Elapsed;
            // Each stream was ended by the bot, not cut off when time ran out: it reads to its end.
            foreach (var stream in streams)
            {
                endedCleanly += await stream.ReadToEndAsync() ? 1 : 0;
                await stream.DisposeAsync();
            }
        }

        output.WriteLine($"SIGTERM with {streams.Count} open event streams: exited with {exitCode} after {stopping.TotalMilliseconds:0} ms; {endedCleanly} streams ended cleanly");
        Assert.Equal(0, exitCode);
        Assert.True(stopping < TimeSpan.FromSeconds(5), $"stopping with open event streams took {stopping}");
        Assert.Equal(streams.Count, endedCleanly);
    }

    /// <summary>Reads a response head (up to its blank line) from a raw connection.</summary>
    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, deadline.Token);
            if (read == 0)
            {
                break;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return head.ToString();
    }

    /// <summary>How soon the server closes (or resets) the connection, or null when it does not within <paramref name="within"/>.</summary>
    private static async Task<TimeSpan?> ClosedWithinAsync(Socket socket, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(within);
        try
        {
            while (await socket.ReceiveAsync(buffer, deadline.Token) > 0)
            {
                // Whatever the server says first (the rest of an earlier answer), the close is what counts.
            }
            return clock.Elapsed;
        }
        catch (SocketException)
        {
            return clock.Elapsed;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    /// <summary>One open <c>/api/events</c> stream, read line by line.</summary>
    private sealed class EventStream(HttpResponseMessage response, Stream body) : IAsyncDisposable
    {
        private readonly StreamReader _reader = new(body, Encoding.UTF8);

        /// <summary>Opens a stream and waits for its <c>hello</c>, so the bot counts it as open.</summary>
        public static async Task<EventStream> OpenAsync(HttpClient client)
        {
            var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var stream = new EventStream(response, await response.Content.ReadAsStreamAsync());
            await stream.ReadUntilAsync(line => line == "event: hello");
            return stream;
        }

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) => await _reader.ReadLineAsync(cancellationToken);

        /// <summary>True when the stream ends as a response ends, false when the connection is cut (or it goes on).</summary>
        public async Task<bool> ReadToEndAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                while (await _reader.ReadLineAsync(deadline.Token) is not null)
                {
                }
                return true;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                return false;
            }
        }

        public async Task<string> ReadUntilAsync(Func<string, bool> wanted)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await _reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (wanted(line))
                {
                    return line;
                }
            }
            throw new EndOfStreamException("the event stream ended before the line awaited");
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
