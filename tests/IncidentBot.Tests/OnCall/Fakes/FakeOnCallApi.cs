using System.Globalization;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using LoopbackHost = IncidentBot.Tests.Slack.Fakes.LoopbackHost;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>One request an on-call fake received, as the test reads it.</summary>
public sealed record FakeOnCallCall(string Method, string Path, IQueryCollection Query, string? Authorization, string? Accept, string? Body)
{
    public string? this[string name] => Query.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>The <c>From</c> header (PagerDuty's REST API names the acting user with it).</summary>
    public string? From { get; init; }
}

/// <summary>An answer decided under the fake's lock and written after it is released.</summary>
public sealed record FakeOnCallAnswer(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeOnCallAnswer Json(int status, string json, IReadOnlyDictionary<string, string>? headers = null) => new(status, Encoding.UTF8.GetBytes(json), headers);
}

/// <summary>
/// What the four on-call fakes share: a loopback server, the calls it received, the key it accepts, and faults a
/// test queues (a status for every call, 429 with <c>Retry-After</c>, an answer that never comes in time, a body
/// replaced by bytes of the test's choosing). The vendor subclasses answer the routes from their state.
/// </summary>
public abstract class FakeOnCallApi : IAsyncDisposable
{
    private readonly List<FakeOnCallCall> _calls = [];
    private WebApplication? _app;
    private int? _failStatus;
    private Func<FakeOnCallCall, bool> _failing = _ => true;
    private int _throttles;
    private IReadOnlyDictionary<string, string>? _throttleHeaders;
    private TimeSpan _delay;
    private byte[]? _body;
    private int _port;

    private protected FakeOnCallApi(string apiKey) => ApiKey = apiKey;

    /// <summary>The key the fake accepts; any other Authorization is answered 401.</summary>
    public string ApiKey { get; }

    /// <summary>What the bot's <c>OnCall:&lt;Source&gt;:BaseUrl</c> is set to.</summary>
    public virtual string BaseUrl => $"http://127.0.0.1:{_port}";

    public IReadOnlyList<FakeOnCallCall> Calls => Gate.Locked(() => _calls.ToList());

    private protected Lock Gate { get; } = new();

    /// <summary>Every call is answered <paramref name="status"/> (403, 500, …) until <see cref="Heal"/>.</summary>
    public void FailWith(int status) => FailWith(status, _ => true);

    /// <summary>The calls <paramref name="which"/> picks are answered <paramref name="status"/> until <see cref="Heal"/>.</summary>
    public void FailWith(int status, Func<FakeOnCallCall, bool> which) => Gate.Locked(() => (_failStatus, _failing) = (status, which));

    /// <summary>The next <paramref name="count"/> calls are answered 429 with <c>Retry-After: <paramref name="retryAfterSeconds"/></c>.</summary>
    public void Throttle(int retryAfterSeconds, int count = 1) =>
        ThrottleWith(new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture) }, count);

    /// <summary>The next <paramref name="count"/> calls are answered 429 with exactly these headers.</summary>
    public void ThrottleWith(IReadOnlyDictionary<string, string> headers, int count = 1) => Gate.Locked(() => (_throttles, _throttleHeaders) = (count, headers));

    /// <summary>Every answer waits this long first (until the caller gives up).</summary>
    public void Delay(TimeSpan delay) => Gate.Locked(() => _delay = delay);

    /// <summary>Every successful answer's body is replaced by these bytes (malformed JSON, a huge body).</summary>
    public void ReplaceBodies(byte[] body) => Gate.Locked(() => _body = body);

    public void Heal() => Gate.Locked(() => (_failStatus, _throttles, _delay, _body) = (null, 0, TimeSpan.Zero, null));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private protected async Task ListenAsync() => (_app, _port) = await LoopbackHost.StartAsync(app => app.Map("/{**path}", HandleAsync));

    /// <summary>The Authorization header the vendor expects for <see cref="ApiKey"/>.</summary>
    private protected abstract bool Authorized(FakeOnCallCall call);

    /// <summary>The vendor's answer to an authorized call; runs under <see cref="Gate"/>.</summary>
    private protected abstract FakeOnCallAnswer Answer(FakeOnCallCall call);

    /// <summary>The vendor's error body for a status.</summary>
    private protected virtual string ErrorBody(int status) => $$"""{"message":"Injected failure {{status}}"}""";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var call = new FakeOnCallCall(request.Method, request.Path.Value ?? "/", request.Query, request.Headers.Authorization.ToString(), request.Headers.Accept.ToString(), body) { From = request.Headers["From"].ToString() };
        TimeSpan delay = default;
        var answer = Gate.Locked(() =>
        {
            _calls.Add(call);
            delay = _delay;
            if (!Authorized(call))
            {
                return FakeOnCallAnswer.Json(401, ErrorBody(401));
            }
            if (_throttles > 0)
            {
                _throttles--;
                return FakeOnCallAnswer.Json(429, ErrorBody(429), _throttleHeaders);
            }
            if (_failStatus is { } status && _failing(call))
            {
                return FakeOnCallAnswer.Json(status, ErrorBody(status));
            }
            var answer = Answer(call);
            return _body is not null && answer.Status == 200 ? answer with { Body = _body } : answer;
        });
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the caller gave up, as a timed-out client does
            }
        }
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }
}
