using System.Net;
using System.Net.Sockets;
using IncidentBot.Tests.Slack.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// A loopback load balancer in front of bot replicas, behaving as a Kubernetes Service with readiness probes or a
/// cloud load balancer does: requests go round-robin over the replicas in rotation; a replica that refuses a
/// connection leaves the rotation and the request goes to the next one (nothing was sent, so that is safe for a
/// POST); a replica whose <c>/readyz</c> fails leaves it too and comes back once it answers 200 again. When no
/// replica takes the request, or one fails after the request went out (killed mid-request), the caller gets 503 with
/// Retry-After, as a proxy's own error; the replicas' own answers pass through untouched.
/// </summary>
/// <remarks>
/// Hand-written (about a hundred lines) rather than YARP: the tests need to know exactly which requests were cut off
/// by a dying replica (<see cref="CutOff"/>) and to swap a restarted replica's port in and out, and a reverse proxy's
/// passive health policies, retries and configuration reloads would be more code to bend than this is to read.
/// </remarks>
public sealed class LoopbackLoadBalancer : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly Backend[] _backends;
    private readonly HttpClient _forward = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private Task? _probing;
    private int _next;
    private int _cutOff;
    private int _noReplica;

    private LoopbackLoadBalancer(int replicas) => _backends = Enumerable.Range(0, replicas).Select(_ => new Backend()).ToArray();

    /// <summary>A client of the balancer, as senders see the bot.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Requests a replica took but never answered (it died mid-request): answered 503 here.</summary>
    public int CutOff => _cutOff;

    /// <summary>Requests no replica in rotation would take: answered 503 here.</summary>
    public int NoReplica => _noReplica;

    /// <summary>How many replicas are in rotation now.</summary>
    public int InRotation => _backends.Count(b => b.InRotation);

    /// <summary>How many requests each replica answered.</summary>
    public IReadOnlyList<int> Answered => _backends.Select(b => b.Answered).ToList();

    public static async Task<LoopbackLoadBalancer> StartAsync(int replicas)
    {
        var balancer = new LoopbackLoadBalancer(replicas);
        (balancer._app, var port) = await LoopbackHost.StartAsync(app => app.Run(balancer.ForwardAsync));
        balancer.Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        balancer._probing = Task.Run(balancer.ProbeAsync);
        return balancer;
    }

    /// <summary>Points slot <paramref name="replica"/> at a replica's address and puts it in rotation once it is ready.</summary>
    public void Attach(int replica, Uri address) => _backends[replica].Address = address;

    /// <summary>Takes slot <paramref name="replica"/> out, as an endpoint leaves a Service before its pod is stopped.</summary>
    public void Detach(int replica)
    {
        _backends[replica].Address = null;
        _backends[replica].InRotation = false;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        // One turn of the round-robin per request, then the replicas after it in order: every replica is tried once
        // even while other requests move the turn on (taking a fresh turn per try could land on a dead one twice).
        var turn = (uint)Interlocked.Increment(ref _next);
        for (var tried = 0; tried < _backends.Length; tried++)
        {
            var index = (int)((turn + (uint)tried) % (uint)_backends.Length);
            var backend = _backends[index];
            if (!backend.InRotation || backend.Address is not { } address)
            {
                continue;
            }
            using var request = Copy(context.Request, address, body);
            HttpResponseMessage response;
            try
            {
                response = await _forward.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                // Nothing reached the replica: out of rotation until its readiness comes back, and on to the next.
                backend.InRotation = false;
                continue;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // The replica may or may not have acted on it: never sent twice, the sender decides.
                backend.InRotation = false;
                Interlocked.Increment(ref _cutOff);
                await RetryLaterAsync(context);
                return;
            }
            using (response)
            {
                Interlocked.Increment(ref backend.Answered);
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (!HopByHop.Contains(name))
                    {
                        context.Response.Headers[name] = values.ToArray();
                    }
                }
                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
                return;
            }
        }
        Interlocked.Increment(ref _noReplica);
        await RetryLaterAsync(context);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static HttpRequestMessage Copy(HttpRequest incoming, Uri address, byte[] body)
    {
        var outgoing = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(address, $"{incoming.PathBase}{incoming.Path}{incoming.QueryString}"));
        if (body.Length > 0 || incoming.ContentLength is not null)
        {
            outgoing.Content = new ByteArrayContent(body);
        }
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!outgoing.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        return outgoing;
    }

    private static Task RetryLaterAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return Task.CompletedTask;
    }

    /// <summary>Every 100 ms, each replica's <c>/readyz</c> decides whether it is in rotation (a readiness probe).</summary>
    private async Task ProbeAsync()
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (!_stopping.IsCancellationRequested)
        {
            foreach (var backend in _backends)
            {
                if (backend.Address is not { } address)
                {
                    continue;
                }
                bool ready;
                try
                {
                    using var answer = await probe.GetAsync(new Uri(address, "/readyz"), _stopping.Token);
                    ready = answer.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ready = false;
                }
                // As the overlay's readinessProbe (failureThreshold 2): one slow answer under load is no verdict.
                backend.ProbeFailures = ready ? 0 : backend.ProbeFailures + 1;
                if (backend.Address == address && (ready || backend.ProbeFailures >= 2))
                {
                    backend.InRotation = ready;
                }
            }
            await Task.Delay(100, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_probing is not null)
        {
            await _probing;
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        Client?.Dispose();
        _forward.Dispose();
        _stopping.Dispose();
    }

    private sealed class Backend
    {
        public int Answered;

        public volatile Uri? Address;

        public volatile bool InRotation;

        public int ProbeFailures;
    }
}
