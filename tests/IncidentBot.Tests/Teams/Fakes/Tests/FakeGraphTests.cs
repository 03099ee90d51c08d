using System.Net;
using static IncidentBot.Tests.Teams.Fakes.TeamsHttp;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>The Graph fake creates team channels with Teams' rules and hands them to the Connector fake.</summary>
public sealed class FakeGraphTests
{
    private const string Team = "02bd9fd6-8f93-4758-87c3-1fb73740a315";

    [Fact]
    public async Task CreatesAStandardChannelAndListsItBesideGeneral()
    {
        await using var rig = await Rig.StartAsync();

        var created = await rig.CreateAsync("inc-42 database down", "SEV1");
        var listed = await SendAsync(HttpMethod.Get, rig.Channels, rig.Token);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = (string)created.Body!["id"]!;
        Assert.Matches("^19:[0-9a-f]{32}@thread.tacv2$", id);
        Assert.Equal(("inc-42 database down", "SEV1", "standard"), ((string?)created.Body["displayName"], (string?)created.Body["description"], (string?)created.Body["membershipType"]));
        Assert.StartsWith("https://teams.microsoft.com/l/channel/", (string?)created.Body["webUrl"], StringComparison.Ordinal);
        Assert.Equal(["General", "inc-42 database down"], listed.Body!["value"]!.AsArray().Select(c => (string?)c!["displayName"]));
        Assert.Equal(id, rig.Graph.Channels[^1].Id);
        Assert.Equal(Team, rig.Graph.Channels[^1].TeamId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("inc#42")]
    [InlineData("inc: db")]
    [InlineData("a, b")]
    [InlineData("inc..42")]
    [InlineData("_inc")]
    [InlineData(".inc")]
    [InlineData("inc.")]
    [InlineData("CON")]
    public async Task RefusesNamesTeamsDoesNotAllow(string name)
    {
        await using var rig = await Rig.StartAsync();

        var answer = await rig.CreateAsync(name);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("BadRequest", answer.ErrorCode);
    }

    [Fact]
    public async Task NamesAreLimitedTo50CharactersAndUniquePerTeamIgnoringCase()
    {
        await using var rig = await Rig.StartAsync();

        var longest = await rig.CreateAsync(new string('a', 50));
        var tooLong = await rig.CreateAsync(new string('b', 51));
        var duplicate = await rig.CreateAsync(new string('A', 50));
        var general = await rig.CreateAsync("general");

        Assert.Equal(HttpStatusCode.Created, longest.Status);
        Assert.Equal("BadRequest", tooLong.ErrorCode);
        Assert.Equal((HttpStatusCode.BadRequest, "NameAlreadyExists"), (duplicate.Status, duplicate.ErrorCode));
        Assert.Equal("NameAlreadyExists", general.ErrorCode);
    }

    [Fact]
    public async Task RefusesUnknownTeamsMissingPermissionsWrongTokensAndThrottles()
    {
        await using var rig = await Rig.StartAsync();
        var body = new { displayName = "inc-1", membershipType = "standard" };

        var unknownTeam = await SendAsync(HttpMethod.Post, new Uri(rig.Graph.BaseUrl, "teams/other/channels"), rig.Token, body);
        var connectorToken = await SendAsync(HttpMethod.Post, rig.Channels, await TokenAsync(rig.Tokens, FakeEntraToken.BotConnectorScope), body);
        rig.Graph.ThrottleNext(1, retryAfterSeconds: 2);
        var throttled = await SendAsync(HttpMethod.Post, rig.Channels, rig.Token, body);
        rig.Graph.AllowChannelCreate = false;
        var forbidden = await SendAsync(HttpMethod.Post, rig.Channels, rig.Token, body);

        Assert.Equal((HttpStatusCode.NotFound, "NotFound"), (unknownTeam.Status, unknownTeam.ErrorCode));
        Assert.Equal((HttpStatusCode.Unauthorized, "InvalidAuthenticationToken"), (connectorToken.Status, connectorToken.ErrorCode));
        Assert.Equal((HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(2)), (throttled.Status, throttled.RetryAfter));
        Assert.Equal((HttpStatusCode.Forbidden, "Forbidden"), (forbidden.Status, forbidden.ErrorCode));
        Assert.Contains("Channel.Create.Group", (string?)forbidden.Body!["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(["General"], rig.Graph.Channels.Select(c => c.DisplayName));
        Assert.Equal([404, 401, 429, 403], rig.Graph.Calls.Select(c => c.StatusCode));
    }

    [Fact]
    public async Task TheBotCanStartAThreadInACreatedStandardChannelOnly()
    {
        await using var rig = await Rig.StartAsync();
        var standard = (string)(await rig.CreateAsync("inc-7")).Body!["id"]!;
        var @private = (string)(await rig.CreateAsync("inc-7-private", membershipType: "private")).Body!["id"]!;
        var botToken = await TokenAsync(rig.Tokens, FakeEntraToken.BotConnectorScope);
        var conversations = new Uri(rig.Connector.ServiceUrl, "v3/conversations");

        var inStandard = await SendAsync(HttpMethod.Post, conversations, botToken, NewThread(standard, "Incident room"));
        var inPrivate = await SendAsync(HttpMethod.Post, conversations, botToken, NewThread(@private, "Incident room"));

        Assert.Equal(HttpStatusCode.Created, inStandard.Status);
        Assert.StartsWith($"{standard};messageid=", (string?)inStandard.Body!["id"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, inPrivate.Status);
        Assert.Equal(standard, Assert.Single(rig.Connector.Conversations).ChannelId);
    }

    private sealed record Rig(FakeEntraToken Tokens, FakeBotConnector Connector, FakeGraph Graph, string Token) : IAsyncDisposable
    {
        public Uri Channels => new(Graph.BaseUrl, $"teams/{Team}/channels");

        public static async Task<Rig> StartAsync()
        {
            var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);
            var connector = await FakeBotConnector.StartAsync(tokens);
            var graph = await FakeGraph.StartAsync(tokens, connector);
            graph.AddTeam(Team);
            return new(tokens, connector, graph, await TokenAsync(tokens, FakeEntraToken.GraphScope));
        }

        public Task<Answer> CreateAsync(string displayName, string description = "", string membershipType = "standard") =>
            SendAsync(HttpMethod.Post, Channels, Token, new { displayName, description, membershipType });

        public async ValueTask DisposeAsync()
        {
            await Graph.DisposeAsync();
            await Connector.DisposeAsync();
            await Tokens.DisposeAsync();
        }
    }
}
