namespace IncidentBot.Tests.Teams.Auth;

/// <summary>Signing keys: the published JWKS, rotation with a refresh on an unknown kid, and channel endorsements.</summary>
public sealed class BotFrameworkSigningKeyTests : BotTokenTestBase
{
    [Fact]
    public async Task KeyThatIsNeverPublishedIsRefused() =>
        AssertRefused(await Validate(Mint(key: new TestSigningKey("forged-key", [Teams]))), "not published");

    [Fact]
    public async Task NewlyPublishedKeyIsAcceptedAfterRefetchingTheMetadata()
    {
        var validator = Validator();
        Assert.True((await validator.ValidateAsync(Bearer(Mint()), ServiceUrl, Teams, CancellationToken.None)).IsValid);
        var rotated = new TestSigningKey("rotated-key", ["msteams", "skype"]);
        var token = Bearer(Mint(key: rotated));
        AssertRefused(await validator.ValidateAsync(token, ServiceUrl, Teams, CancellationToken.None), "not published");
        var fetchesBeforeRotation = Server.MetadataRequests;

        // Published right after a refresh, so the next one has to wait out the manager's one-second throttle.
        Server.Publish(rotated);
        var check = await validator.ValidateAsync(token, ServiceUrl, Teams, CancellationToken.None);

        Assert.True(check.IsValid, check.Problem);
        Assert.True(Server.MetadataRequests > fetchesBeforeRotation);
    }

    [Fact]
    public async Task KeyNotEndorsedForTheChannelIsRefused()
    {
        var skypeOnly = new TestSigningKey("skype-key", ["skype"]);
        Server.Publish(skypeOnly);

        AssertRefused(await Validate(Mint(key: skypeOnly)), "not endorsed");
    }

    [Fact]
    public async Task KeyWithoutEndorsementsIsEndorsedForNothing()
    {
        var bare = new TestSigningKey("bare-key", endorsements: null);
        Server.Publish(bare);

        AssertRefused(await Validate(Mint(key: bare)), "not endorsed");
    }

    [Fact]
    public async Task UnreachableMetadataRefusesInsteadOfThrowing() =>
        AssertRefused(await Validator(metadataUrl: Server.MetadataUrl + "-missing").ValidateAsync(Bearer(Mint()), ServiceUrl, Teams, CancellationToken.None), "unavailable");

    [Fact]
    public async Task PlainHttpMetadataIsRefusedOffLoopback() =>
        AssertRefused(await Validator(metadataUrl: "http://login.botframework.invalid/v1/.well-known/openidconfiguration").ValidateAsync(Bearer(Mint()), ServiceUrl, Teams, CancellationToken.None), "unavailable");
}
