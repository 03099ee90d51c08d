using System.Net;
using Microsoft.Extensions.Time.Testing;
using static IncidentBot.Tests.Teams.Fakes.TeamsHttp;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>The token endpoint answers client-credentials requests like Entra ID.</summary>
public sealed class FakeEntraTokenTests
{
    [Fact]
    public async Task IssuesAUniqueBearerTokenPerRequestThatIsValidOnlyForItsScope()
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);

        var first = await RequestTokenAsync(tokens.TokenEndpoint, ClientCredentials(FakeEntraToken.BotConnectorScope));
        var second = await RequestTokenAsync(tokens.TokenEndpoint, ClientCredentials(FakeEntraToken.BotConnectorScope));
        var graph = await TokenAsync(tokens, FakeEntraToken.GraphScope);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("Bearer", (string?)first.Body!["token_type"]);
        Assert.Equal(3600, (int)first.Body["expires_in"]!);
        Assert.Equal(3600, (int)first.Body["ext_expires_in"]!);
        var connectorToken = (string)second.Body!["access_token"]!;
        Assert.NotEqual((string)first.Body["access_token"]!, connectorToken);
        Assert.Contains("api.botframework.com", connectorToken, StringComparison.Ordinal);
        Assert.Equal(3, tokens.TokensIssued);
        Assert.Equal(connectorToken, tokens.LastIssuedToken(FakeEntraToken.BotConnectorScope));
        Assert.Equal(graph, tokens.LastIssuedToken(FakeEntraToken.GraphScope));
        Assert.True(tokens.IsValid(connectorToken, FakeEntraToken.BotConnectorScope));
        Assert.False(tokens.IsValid(connectorToken, FakeEntraToken.GraphScope));
        Assert.False(tokens.IsValid("made-up", FakeEntraToken.BotConnectorScope));
        Assert.Equal(new Uri($"http://127.0.0.1:{tokens.TokenEndpoint.Port}/tenant-1/oauth2/v2.0/token"), tokens.TokenEndpoint);
    }

    [Theory]
    [InlineData("client_credentials", ClientId, "wrong", HttpStatusCode.Unauthorized, "invalid_client", "AADSTS7000215:")]
    [InlineData("client_credentials", "someone-else", Secret, HttpStatusCode.BadRequest, "unauthorized_client", "AADSTS700016:")]
    [InlineData("password", ClientId, Secret, HttpStatusCode.BadRequest, "unsupported_grant_type", "AADSTS70003:")]
    [InlineData("", ClientId, Secret, HttpStatusCode.BadRequest, "unsupported_grant_type", "AADSTS70003:")]
    public async Task RefusesBadRequestsWithEntraErrors(string grant, string clientId, string secret, HttpStatusCode status, string error, string code)
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret);
        var form = ClientCredentials(FakeEntraToken.BotConnectorScope, clientId, secret);
        form["grant_type"] = grant;

        var answer = await RequestTokenAsync(tokens.TokenEndpoint, form);

        Assert.Equal(status, answer.Status);
        Assert.Equal(error, (string?)answer.Body!["error"]);
        Assert.StartsWith(code, (string?)answer.Body["error_description"], StringComparison.Ordinal);
        Assert.Equal(0, tokens.TokensIssued);
    }

    [Fact]
    public async Task AskingAnotherTenantOrAScopeWithoutDefaultIsRefused()
    {
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret, tenant: "contoso");
        var botFramework = new Uri(tokens.TokenEndpoint, "/botframework.com/oauth2/v2.0/token");

        var wrongTenant = await RequestTokenAsync(botFramework, ClientCredentials(FakeEntraToken.BotConnectorScope));
        var badScope = await RequestTokenAsync(tokens.TokenEndpoint, ClientCredentials("https://api.botframework.com"));

        Assert.Contains("/contoso/", tokens.TokenEndpoint.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("unauthorized_client", (string?)wrongTenant.Body!["error"]);
        Assert.Contains("directory 'botframework.com'", (string?)wrongTenant.Body["error_description"], StringComparison.Ordinal);
        Assert.Equal("invalid_scope", (string?)badScope.Body!["error"]);
    }

    [Fact]
    public async Task TokensExpireAfterExpiresInAndRevokeAllInvalidatesEveryToken()
    {
        var clock = new FakeTimeProvider();
        await using var tokens = await FakeEntraToken.StartAsync(ClientId, Secret, time: clock);
        tokens.ExpiresIn = TimeSpan.FromMinutes(2);

        var answer = await RequestTokenAsync(tokens.TokenEndpoint, ClientCredentials(FakeEntraToken.BotConnectorScope));
        var token = (string)answer.Body!["access_token"]!;
        clock.Advance(TimeSpan.FromSeconds(119));
        var validBeforeExpiry = tokens.IsValid(token, FakeEntraToken.BotConnectorScope);
        clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await TokenAsync(tokens, FakeEntraToken.BotConnectorScope);

        Assert.Equal(120, (int)answer.Body["expires_in"]!);
        Assert.True(validBeforeExpiry);
        Assert.False(tokens.IsValid(token, FakeEntraToken.BotConnectorScope));
        Assert.True(tokens.IsValid(refreshed, FakeEntraToken.BotConnectorScope));
        tokens.RevokeAll();
        Assert.False(tokens.IsValid(refreshed, FakeEntraToken.BotConnectorScope));
    }
}
