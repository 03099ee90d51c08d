namespace IncidentBot.Tests.Teams.Auth;

/// <summary>The claims, lifetime and header rules for inbound Bot Connector tokens.</summary>
public sealed class BotFrameworkTokenValidatorTests : BotTokenTestBase
{
    [Fact]
    public async Task ValidTokenIsAcceptedWithItsClaims()
    {
        var check = await Validate(Mint());

        Assert.True(check.IsValid, check.Problem);
        Assert.Null(check.Problem);
        Assert.Equal(ServiceUrl, check.Identity!.FindFirst("serviceurl")?.Value);
    }

    [Fact]
    public async Task TokenJustInsideTheFiveMinuteSkewIsAccepted()
    {
        var token = Mint(expires: Time.GetUtcNow());
        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        Assert.True((await Validate(token)).IsValid);
    }

    [Fact]
    public async Task TokenExpiredBeyondTheSkewIsRefused()
    {
        var token = Mint(expires: Time.GetUtcNow());
        Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        AssertRefused(await Validate(token), "expired");
    }

    [Fact]
    public async Task TokenNotYetValidIsRefused() =>
        AssertRefused(await Validate(Mint(notBefore: Time.GetUtcNow().AddMinutes(10))), "not yet valid");

    [Fact]
    public async Task WrongAudienceIsRefused() => AssertRefused(await Validate(Mint(audience: "another-bot")), "audience");

    [Fact]
    public async Task WrongIssuerIsRefused() => AssertRefused(await Validate(Mint(issuer: "https://evil.example")), "issuer");

    [Theory]
    [InlineData("https://smba.trafficmanager.net/emea")]
    [InlineData("HTTPS://SMBA.trafficmanager.net/EMEA/")]
    public async Task ServiceUrlMatchesIgnoringCaseAndTrailingSlash(string activityServiceUrl) =>
        Assert.True((await Validate(Mint(), activityServiceUrl)).IsValid);

    [Fact]
    public async Task ServiceUrlMismatchIsRefused() =>
        AssertRefused(await Validate(Mint(), "https://smba.trafficmanager.net/amer/"), "serviceurl");

    [Fact]
    public async Task MissingServiceUrlClaimIsRefused() => AssertRefused(await Validate(Mint(serviceUrl: null)), "serviceurl");

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("Basic dXNlcjpwYXNz", "Bearer")]
    [InlineData("Bearer not-a-jwt", "malformed")]
    [InlineData("Bearer a.b.c", "malformed")]
    public async Task BadAuthorizationHeaderIsRefused(string? header, string problem) =>
        AssertRefused(await Validator().ValidateAsync(header, ServiceUrl, Teams, CancellationToken.None), problem);

    [Fact]
    public async Task UnconfiguredAppIdRefusesEverything() =>
        AssertRefused(await Validator(appId: null).ValidateAsync(Bearer(Mint()), ServiceUrl, Teams, CancellationToken.None), "app id");

    [Fact]
    public async Task ProblemNeverEchoesTheToken()
    {
        var token = Mint(audience: "another-bot");

        Assert.DoesNotContain(token, (await Validate(token)).Problem);
    }
}
