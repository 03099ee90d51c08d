using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Auth;
using IncidentBot.Tests.Teams.Fakes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// The bot with Teams switched on against loopback fakes of Entra (tokens), the Bot Connector, Graph and the
/// Bot Framework's key endpoint; activities are sent signed like the Bot Connector signs them.
/// </summary>
public sealed class TeamsHarness : IAsyncDisposable
{
    public const string AppId = "00000000-1111-2222-3333-444444444444";
    public const string Secret = "teams-app-secret";
    public const string TeamId = "team-1";
    public const string IncidentsChannel = "19:incidents@thread.tacv2";

    private TeamsHarness(FakeEntraToken tokens, FakeBotConnector connector, FakeGraph graph, FakeBotFrameworkMetadata metadata, IncidentBotApplication app)
    {
        Tokens = tokens;
        Connector = connector;
        Graph = graph;
        Metadata = metadata;
        App = app;
    }

    public FakeEntraToken Tokens { get; }
    public FakeBotConnector Connector { get; }
    public FakeGraph Graph { get; }
    public FakeBotFrameworkMetadata Metadata { get; }
    public IncidentBotApplication App { get; }

    /// <summary>A second allowed connector, when started with <c>secondRegion</c>.</summary>
    public FakeBotConnector? Region { get; private init; }

    /// <param name="endorsements">The Bot Framework channels the signing key is endorsed for; Teams only by default.</param>
    /// <param name="secondRegion">Also start <see cref="Region"/>, a second allowed connector (another service URL of Teams).</param>
    /// <param name="services">Extra services for the bot (a log collector, say).</param>
    public static async Task<TeamsHarness> StartAsync(bool allowChannelCreate = true, Dictionary<string, string?>? settings = null, string[]? endorsements = null, bool secondRegion = false,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var key = new TestSigningKey("teams-key", endorsements ?? ["msteams"]);
        var tokens = await FakeEntraToken.StartAsync(AppId, Secret);
        var connector = await FakeBotConnector.StartAsync(tokens);
        connector.AddChannel(IncidentsChannel);
        var graph = await FakeGraph.StartAsync(tokens, connector);
        graph.AddTeam(TeamId);
        graph.AllowChannelCreate = allowChannelCreate;
        var metadata = await FakeBotFrameworkMetadata.StartAsync(key);
        var all = new Dictionary<string, string?>
        {
            ["Teams:AppId"] = AppId,
            ["Teams:AppPassword"] = Secret,
            ["Teams:TenantId"] = tokens.Tenant,
            ["Teams:TeamId"] = TeamId,
            ["Teams:IncidentsChannelId"] = IncidentsChannel,
            ["Teams:OpenIdMetadataUrl"] = metadata.MetadataUrl,
            ["Teams:TokenEndpoint"] = tokens.TokenEndpoint.ToString(),
            ["Teams:GraphBaseUrl"] = graph.BaseUrl.ToString(),
            ["Teams:DefaultServiceUrl"] = connector.ServiceUrl.ToString(),
            // The fake connector is the only Bot Connector these tests trust with the bot's token.
            ["Teams:AllowedServiceUrls:0"] = connector.ServiceUrl.ToString(),
        };
        var region = secondRegion ? await FakeBotConnector.StartAsync(tokens) : null;
        if (region is not null)
        {
            all["Teams:AllowedServiceUrls:1"] = region.ServiceUrl.ToString();
        }
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }
        var app = new IncidentBotApplication(all, services);
        _ = app.Server;
        // The harness signs with the key the fake metadata publishes, as the Bot Connector would.
        return new TeamsHarness(tokens, connector, graph, metadata, app) { SigningKey = key, Region = region };
    }

    private TestSigningKey SigningKey { get; init; } = null!;

    /// <summary>A published activity (shared/fixtures/teams) pointed at the fake connector, so replies stay on this machine.</summary>
    public JsonObject Fixture(string file)
    {
        var activity = JsonNode.Parse(Fixtures.Read($"teams/{file}"))!.AsObject();
        activity["serviceUrl"] = Connector.ServiceUrl.ToString();
        return activity;
    }

    /// <summary>Posts the activity to /api/messages with a Bot Connector token for it (or the given Authorization header).</summary>
    public async Task<HttpResponseMessage> SendAsync(JsonObject activity, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", authorization ?? AuthorizationFor(activity));
        return await App.CreateClient().SendAsync(request);
    }

    /// <summary>The Authorization header the Bot Connector would send with this activity.</summary>
    public string AuthorizationFor(JsonObject activity) => $"Bearer {Mint(activity["serviceUrl"]!.GetValue<string>())}";

    private string Mint(string serviceUrl) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = FakeBotFrameworkMetadata.Issuer,
        Audience = AppId,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = SigningKey.Credentials,
        Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
    });

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Graph.DisposeAsync();
        await Connector.DisposeAsync();
        if (Region is not null)
        {
            await Region.DisposeAsync();
        }
        await Tokens.DisposeAsync();
        await Metadata.DisposeAsync();
    }
}
