using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace IncidentBot.Bench.Load;

/// <summary>
/// Sends the storm from a fixed number of concurrent connections, each worker taking the next request as soon
/// as its previous one is answered, and times every answer. The same loop drives the bot and the HTTP baseline.
/// </summary>
public sealed class LoadDriver(Uri baseAddress, int connections) : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<LoadResult> SendAsync(IReadOnlyList<StormRequest> requests)
    {
        var latencies = new double[requests.Count];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var lastAccepted = TimeSpan.Zero;
        var gate = new Lock();

        async Task WorkAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < requests.Count; i = Interlocked.Increment(ref next))
            {
                var started = clock.Elapsed;
                var accepted = await PostAsync(requests[i]);
                var answered = clock.Elapsed;
                latencies[i] = (answered - started).TotalMilliseconds;
                if (!accepted)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }
                lock (gate)
                {
                    lastAccepted = answered > lastAccepted ? answered : lastAccepted;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(WorkAsync)));
        return new LoadResult(requests.Sum(r => r.Alerts), requests.Count, failures, lastAccepted, latencies);
    }

    private async Task<bool> PostAsync(StormRequest request)
    {
        using var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = Json;
        try
        {
            using var response = await _client.PostAsync(request.Path, content);
            return response.StatusCode == HttpStatusCode.Accepted;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
