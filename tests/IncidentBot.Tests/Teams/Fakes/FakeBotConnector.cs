using IncidentBot.Tests.Infrastructure;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>A loopback Bot Connector (the activity's serviceUrl) with Teams' auth, errors, rate limits, fault injection and a record of every call.</summary>
public sealed partial class FakeBotConnector : LoopbackJsonFake
{
    private readonly FakeEntraToken _tokens;
    private readonly InjectedFaults _faults = new();
    private readonly SendRateLimit _rateLimit;
    private readonly HashSet<string> _channels = [];
    private readonly List<ConversationState> _conversations = [];
    private readonly List<ConnectorCall> _calls = [];

    private FakeBotConnector(FakeEntraToken tokens) => (_tokens, _rateLimit) = (tokens, new SendRateLimit(tokens.Time));

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>; bots append <c>v3/…</c>.</summary>
    public Uri ServiceUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>When on, more than 7 sends per second to one conversation answer 429, as Teams does.</summary>
    public bool EnforceRateLimit { get; set; }

    public IReadOnlyList<FakeConversation> Conversations => Gate.Locked(() => _conversations.Select(c => c.Snapshot()).ToList());

    public IReadOnlyList<ConnectorCall> Calls => Gate.Locked(() => _calls.ToList());

    public static async Task<FakeBotConnector> StartAsync(FakeEntraToken tokens)
    {
        var fake = new FakeBotConnector(tokens);
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>Registers a channel of a team the bot is installed in, e.g. <c>19:incidents@thread.tacv2</c>, so new threads can be started there.</summary>
    public void AddChannel(string channelId) => Gate.Locked(() => _channels.Add(channelId));

    /// <summary>The next <paramref name="count"/> activity calls answer <paramref name="statusCode"/> and change nothing.</summary>
    public void FailNext(int count, int statusCode = 503) => Gate.Locked(() => _faults.FailNext(count, statusCode));

    /// <summary>The next <paramref name="count"/> activity calls answer 429 with <c>Retry-After</c> and change nothing.</summary>
    public void ThrottleNext(int count, int retryAfterSeconds = 1) => Gate.Locked(() => _faults.ThrottleNext(count, retryAfterSeconds));

    /// <summary>While down, every call answers 503, before authentication.</summary>
    public void SetDown(bool down) => Gate.Locked(() => _faults.Down = down);

    private protected override void Record(string method, string path, int status, JsonObject? body)
    {
        // Member look-ups have their own record (MemberLookups).
        if (!(method == "GET" && path.Contains("/members/", StringComparison.Ordinal)))
        {
            _calls.Add(new(method, path, status, _tokens.Time.GetUtcNow(), body?.DeepClone()));
        }
    }

    private protected override FakeAnswer Answer(string method, string path, string? token, JsonObject? body)
    {
        if (_faults.Down)
        {
            return FakeAnswer.Error(503, "ServiceUnavailable", "The service is unavailable.");
        }

        if (!_tokens.IsValid(token, FakeEntraToken.BotConnectorScope))
        {
            return new(401, new JsonObject { ["message"] = "Authorization has been denied for this request." });
        }

        if (method == "GET" && path.Trim('/').Split('/') is ["v3", "conversations", var conversation, "members", var member])
        {
            return Member(conversation, member);
        }

        if (_faults.Take() is { } fault)
        {
            return fault;
        }

        if (method == "GET" && path.Trim('/').Split('/') is ["v3", "conversations", var team, "pagedmembers"])
        {
            return PagedMembers(team);
        }

        // Kestrel has already decoded the path (all but %2F), so escaped and raw conversation ids arrive alike.
        return (method, path.Trim('/').Split('/')) switch
        {
            ("POST", ["v3", "conversations"]) => CreateConversation(body),
            ("POST", ["v3", "conversations", var id, "activities"]) => Send(id, null, body),
            ("POST", ["v3", "conversations", var id, "activities", var replyTo]) => Send(id, replyTo, body),
            ("PUT", ["v3", "conversations", var id, "activities", var activityId]) => Update(id, activityId, body),
            _ => FakeAnswer.Error(404, "NotFound", $"No operation {method} {path} in this fake."),
        };
    }
}
