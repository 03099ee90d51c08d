using IncidentBot.Tests.Infrastructure;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using LoopbackHost = IncidentBot.Tests.Slack.Fakes.LoopbackHost;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>A loopback Microsoft Graph v1.0 for team channels, with Graph's auth, name rules, errors, throttling and a record of every call.</summary>
public sealed partial class FakeGraph : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly FakeEntraToken _tokens;
    private readonly FakeBotConnector? _connector;
    private readonly InjectedFaults _faults = new();
    private readonly HashSet<string> _teams = [];
    private readonly List<FakeGraphChannel> _channels = [];
    private readonly List<GraphCall> _calls = [];
    private WebApplication? _app;
    private int _port;

    private FakeGraph(FakeEntraToken tokens, FakeBotConnector? connector) => (_tokens, _connector) = (tokens, connector);

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/v1.0/</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{_port}/v1.0/");

    /// <summary>False answers channel creation with 403, as when the app lacks Channel.Create (or its RSC grant).</summary>
    public bool AllowChannelCreate { get; set; } = true;

    /// <summary>Every channel of every team, including each team's General channel, in creation order.</summary>
    public IReadOnlyList<FakeGraphChannel> Channels => _gate.Locked(() => _channels.ToList());

    public IReadOnlyList<GraphCall> Calls => _gate.Locked(() => _calls.ToList());

    public static async Task<FakeGraph> StartAsync(FakeEntraToken tokens, FakeBotConnector? connector = null)
    {
        var fake = new FakeGraph(tokens, connector);
        (fake._app, fake._port) = await LoopbackHost.StartAsync(app => app.Map("/{**path}", fake.HandleAsync));
        return fake;
    }

    /// <summary>Adds a team by its Microsoft 365 group id (the <c>aadGroupId</c>, not the <c>19:</c> thread id), with its General channel.</summary>
    public void AddTeam(string teamId) => _gate.Locked(() =>
    {
        if (_teams.Add(teamId))
        {
            AddChannel(teamId, "General", "", "standard");
        }
    });

    /// <summary>The next <paramref name="count"/> calls answer 429 with <c>Retry-After</c> and change nothing.</summary>
    public void ThrottleNext(int count, int retryAfterSeconds = 1) => _gate.Locked(() => _faults.ThrottleNext(count, retryAfterSeconds));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await FakeAnswer.ReadJsonAsync(request);
        var answer = _gate.Locked(() =>
        {
            var answer = Answer(request.Method, request.Path.Value ?? "/", FakeAnswer.BearerToken(request), body);
            _calls.Add(new(request.Method, request.Path.Value ?? "/", answer.Status, _tokens.Time.GetUtcNow(), body));
            return answer;
        });
        await answer.WriteAsync(context.Response);
    }

    private FakeAnswer Answer(string method, string path, string? token, JsonObject? body)
    {
        if (!_tokens.IsValid(token, FakeEntraToken.GraphScope))
        {
            return FakeAnswer.Error(401, "InvalidAuthenticationToken", token is null ? "Access token is empty." : "Access token validation failure. Invalid audience.");
        }

        if (_faults.Take() is { } fault)
        {
            return fault;
        }

        return (method, path.Trim('/').Split('/')) switch
        {
            ("POST", ["v1.0", "teams", var teamId, "channels"]) => CreateChannel(teamId, body),
            ("GET", ["v1.0", "teams", var teamId, "channels"]) => ListChannels(teamId),
            _ => FakeAnswer.Error(404, "NotFound", $"No operation {method} {path} in this fake."),
        };
    }

}
