using IncidentBot.Tests.Infrastructure;
using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>A loopback Microsoft Graph v1.0 for team channels, with Graph's auth, name rules, errors, throttling and a record of every call.</summary>
public sealed partial class FakeGraph : LoopbackJsonFake
{
    private readonly FakeEntraToken _tokens;
    private readonly FakeBotConnector? _connector;
    private readonly InjectedFaults _faults = new();
    private readonly HashSet<string> _teams = [];
    private readonly Dictionary<string, string> _teamNames = [];
    private readonly List<FakeGraphChannel> _channels = [];
    private readonly List<GraphCall> _calls = [];

    private FakeGraph(FakeEntraToken tokens, FakeBotConnector? connector) => (_tokens, _connector) = (tokens, connector);

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/v1.0/</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/v1.0/");

    /// <summary>False answers channel creation with 403, as when the app lacks Channel.Create (or its RSC grant).</summary>
    public bool AllowChannelCreate { get; set; } = true;

    /// <summary>Every channel of every team, including each team's General channel, in creation order.</summary>
    public IReadOnlyList<FakeGraphChannel> Channels => Gate.Locked(() => _channels.ToList());

    public IReadOnlyList<GraphCall> Calls => Gate.Locked(() => _calls.ToList());

    public static async Task<FakeGraph> StartAsync(FakeEntraToken tokens, FakeBotConnector? connector = null)
    {
        var fake = new FakeGraph(tokens, connector);
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>Adds a team by its Microsoft 365 group id (the <c>aadGroupId</c>, not the <c>19:</c> thread id), with its General channel.</summary>
    public void AddTeam(string teamId, string? displayName = null) => Gate.Locked(() =>
    {
        if (_teams.Add(teamId))
        {
            _teamNames[teamId] = displayName ?? teamId;
            AddChannel(teamId, "General", "", "standard");
        }
    });

    /// <summary>False answers reading a team with 403, as when the app is not installed there (no TeamSettings.Read.Group grant).</summary>
    public bool AllowTeamRead { get; set; } = true;

    /// <summary>A team's thread id (<c>internalId</c>): its General channel's id.</summary>
    public string ThreadOf(string teamId) => Gate.Locked(() => _channels.First(c => c.TeamId == teamId && c.DisplayName == "General").Id);

    /// <summary>The next <paramref name="count"/> calls answer 429 with <c>Retry-After</c> and change nothing.</summary>
    public void ThrottleNext(int count, int retryAfterSeconds = 1) => Gate.Locked(() => _faults.ThrottleNext(count, retryAfterSeconds));

    /// <summary><c>GET /teams/{id}</c> as Graph's team resource, with its <c>internalId</c> (the General channel's thread id).</summary>
    private FakeAnswer GetTeam(string teamId)
    {
        if (!_teams.Contains(teamId))
        {
            return TeamNotFound(teamId);
        }
        if (!AllowTeamRead)
        {
            return FakeAnswer.Error(403, "Forbidden", "Missing role permissions on the request. API requires one of 'TeamSettings.Read.Group, Team.ReadBasic.All, TeamSettings.Read.All'. Roles on the request ''.");
        }
        var general = _channels.First(c => c.TeamId == teamId && c.DisplayName == "General");
        return new(200, new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#teams/$entity",
            ["id"] = teamId,
            ["createdDateTime"] = general.CreatedDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["displayName"] = _teamNames[teamId],
            ["description"] = "",
            ["internalId"] = general.Id,
            ["classification"] = null,
            ["specialization"] = "none",
            ["visibility"] = "private",
            ["webUrl"] = $"https://teams.microsoft.com/l/team/{Uri.EscapeDataString(general.Id)}/conversations?groupId={teamId}&tenantId={_tokens.Tenant}",
            ["isArchived"] = false,
            ["tenantId"] = _tokens.Tenant,
            ["isMembershipLimitedToOwners"] = false,
        });
    }

    private protected override void Record(string method, string path, int status, JsonObject? body) =>
        _calls.Add(new(method, path, status, _tokens.Time.GetUtcNow(), body));

    private protected override FakeAnswer Answer(string method, string path, string? token, JsonObject? body)
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
            ("GET", ["v1.0", "teams", var teamId]) => GetTeam(teamId),
            _ => FakeAnswer.Error(404, "NotFound", $"No operation {method} {path} in this fake."),
        };
    }
}
