using IncidentBot.Tests.Infrastructure;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>A loopback Slack Web API with Slack's errors, rate limits, fault injection and a record of every call.</summary>
public sealed partial class FakeSlackApi : IAsyncDisposable
{
    private readonly FakeSlackOptions _options;
    private readonly FakeSlackState _state;
    private readonly FakeSlackMethods _methods;
    private readonly FakeSlackRateLimiter _limiter;
    private readonly Dictionary<string, (int Count, int Status)> _failures = [];
    private bool _down;
    private WebApplication? _app;
    private int _port;

    private FakeSlackApi(FakeSlackOptions options)
    {
        _options = options;
        _state = new FakeSlackState(options.Time);
        _state.TakenNames.UnionWith(options.TakenChannelNames);
        _methods = new FakeSlackMethods(_state, options);
        _limiter = new FakeSlackRateLimiter(options.TierMultiplier);
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/api/</c>; methods are POSTed to <c>{BaseUrl}{method}</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{_port}/api/");

    public static async Task<FakeSlackApi> StartAsync(FakeSlackOptions? options = null)
    {
        var fake = new FakeSlackApi(options ?? new FakeSlackOptions());
        (fake._app, fake._port) = await LoopbackHost.StartAsync(app => app.Map("/api/{method}", fake.HandleAsync));
        return fake;
    }

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> answer <paramref name="statusCode"/> with no body and no effect.</summary>
    public void FailNext(string method, int count, int statusCode = 500) =>
        _state.Gate.Locked(() => _failures[method] = (count, statusCode));

    /// <summary>While down, every call answers HTTP 503.</summary>
    public void SetDown(bool down) => _state.Gate.Locked(() => _down = down);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (_options.Latency > TimeSpan.Zero)
        {
            // Task.Delay's timer may fire a little before the time has passed on the stopwatch; a latency is a minimum.
            var started = TimeProvider.System.GetTimestamp();
            while (TimeProvider.System.GetElapsedTime(started) is var waited && waited < _options.Latency)
            {
                await Task.Delay(_options.Latency - waited, context.RequestAborted);
            }
        }

        var method = (string)context.Request.RouteValues["method"]!;
        JsonObject? args;
        try
        {
            args = await FakeSlackRequest.ReadArgumentsAsync(context.Request);
        }
        catch (JsonException)
        {
            args = null;
        }

        var (status, body, retryAfter) = _state.Gate.Locked(() => Answer(context.Request, method, args));
        context.Response.StatusCode = status;
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (body is not null)
        {
            if (status == StatusCodes.Status200OK && FakeSlackRequest.LacksCharset(context.Request))
            {
                body["warning"] = "missing_charset";
                body["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray("missing_charset") };
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(body.ToJsonString());
        }
    }

    private (int Status, JsonObject? Body, int? RetryAfter) Answer(HttpRequest request, string method, JsonObject? args)
    {
        var answer = Evaluate(request, method, args);
        var error = answer.Body?["error"]?.GetValue<string>();
        _state.Calls.Add(new SlackCall(method, args ?? [], answer.Status, error, _state.Now));
        if (answer.Status == StatusCodes.Status429TooManyRequests)
        {
            _state.RateLimitedResponses++;
        }

        return answer;
    }

    private (int Status, JsonObject? Body, int? RetryAfter) Evaluate(HttpRequest request, string method, JsonObject? args)
    {
        if (_down)
        {
            return (StatusCodes.Status503ServiceUnavailable, null, null);
        }

        if (_failures.TryGetValue(method, out var failure) && failure.Count > 0)
        {
            _failures[method] = (failure.Count - 1, failure.Status);
            return (failure.Status, null, null);
        }

        var known = _methods.TryFind(method, out var entry);
        var error = args is null ? "invalid_json"
            : FakeSlackRequest.AuthError(request, method, _options) ?? (known ? null : "unknown_method");
        if (error is not null)
        {
            return (StatusCodes.Status200OK, Fail(error), null);
        }

        var channel = FakeSlackRequest.Arg(args!, "channel");
        if (_options.RateLimits && _limiter.TryAdmit(method, entry.Tier, channel, _state.Now) is { } wait)
        {
            return (StatusCodes.Status429TooManyRequests, Fail("ratelimited"), wait);
        }

        try
        {
            return (StatusCodes.Status200OK, entry.Handle(args!), null);
        }
        catch (JsonException)
        {
            return (StatusCodes.Status200OK, Fail("invalid_arguments"), null);
        }
    }

    private static JsonObject Fail(string error) => new() { ["ok"] = false, ["error"] = error };
}
