using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace IncidentBot.Bench.Load;

/// <summary>
/// Sends the storm from a fixed number of concurrent connections, each worker taking the next request as soon
/// as its previous one is answered, and times every answer. The same loop drives the bot and the HTTP baseline.
/// Given several addresses (replicas), the connections are spread evenly over them, as a layer-4 load balancer
/// (a Kubernetes Service) spreads connections, with no extra hop in the measured time.
/// </summary>
public sealed class LoadDriver(IReadOnlyList<Uri> baseAddresses, int connections) : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient[] _clients = baseAddresses.Select(address => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(60),
    }).ToArray();

    public LoadDriver(Uri baseAddress, int connections)
        : this([baseAddress], connections)
    {
    }

    public async Task<LoadResult> SendAsync(IReadOnlyList<StormRequest> requests)
    {
        var latencies = new double[requests.Count];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var lastAccepted = TimeSpan.Zero;
        var gate = new Lock();

        async Task WorkAsync(HttpClient client)
        {
            for (var i = Interlocked.Increment(ref next); i < requests.Count; i = Interlocked.Increment(ref next))
            {
                var started = clock.Elapsed;
                var accepted = await PostAsync(client, requests[i]);
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

        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(() => WorkAsync(_clients[c % _clients.Length]))));
        return new LoadResult(requests.Sum(r => r.Alerts), requests.Count, failures, lastAccepted, latencies);
    }

    private static async Task<bool> PostAsync(HttpClient client, StormRequest request)
    {
        using var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = Json;
        try
        {
            using var response = await client.PostAsync(request.Path, content);
            return response.StatusCode == HttpStatusCode.Accepted;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
