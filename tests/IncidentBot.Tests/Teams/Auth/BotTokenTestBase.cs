using IncidentBot.Teams;
using IncidentBot.Teams.Inbound;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams.Auth;

/// <summary>A fake Bot Framework key endpoint, a frozen clock and a token mint shared by the validator tests.</summary>
public abstract class BotTokenTestBase : IAsyncLifetime
{
    protected const string AppId = "00000000-1111-2222-3333-444444444444";
    protected const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    protected const string Teams = "msteams";

    private readonly HttpClient _http = new();

    // Far from the real clock, so a pass proves the validator reads the injected TimeProvider.
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected TestSigningKey TeamsKey { get; } = new("teams-key", ["msteams", "skype"]);

    protected FakeBotFrameworkMetadata Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeBotFrameworkMetadata.StartAsync(TeamsKey);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _http.Dispose();
    }

    protected static string Bearer(string token) => $"Bearer {token}";

    protected static void AssertRefused(BotTokenCheck check, string problem)
    {
        Assert.False(check.IsValid);
        Assert.Null(check.Identity);
        Assert.Contains(problem, check.Problem, StringComparison.OrdinalIgnoreCase);
    }

    protected Task<BotTokenCheck> Validate(string token, string activityServiceUrl = ServiceUrl) =>
        Validator().ValidateAsync(Bearer(token), activityServiceUrl, Teams, CancellationToken.None);

    protected BotFrameworkTokenValidator Validator(string? appId = AppId, string? metadataUrl = null) => new(
        Options.Create(new TeamsOptions { AppId = appId, OpenIdMetadataUrl = metadataUrl ?? Server.MetadataUrl }),
        _http,
        Time,
        NullLogger<BotFrameworkTokenValidator>.Instance);

    protected string Mint(
        TestSigningKey? key = null,
        string issuer = FakeBotFrameworkMetadata.Issuer,
        string audience = AppId,
        string? serviceUrl = ServiceUrl,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? expires = null)
    {
        var now = Time.GetUtcNow();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).UtcDateTime,
            NotBefore = (notBefore ?? now.AddMinutes(-1)).UtcDateTime,
            Expires = (expires ?? now.AddHours(1)).UtcDateTime,
            SigningCredentials = (key ?? TeamsKey).Credentials,
            Claims = serviceUrl is null ? null : new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
        });
    }
}
