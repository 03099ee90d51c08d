using IncidentBot.WebConsole;

namespace IncidentBot.Tests.Security;

/// <summary><c>Authentication:Oidc</c> is checked at start: each mistake is named with its key.</summary>
public sealed class OidcOptionsTests
{
    private static OidcOptions Valid(string authority = "https://login.example.com/realms/ops") =>
        new() { Authority = authority, ClientId = "incidentbot", ClientSecret = "s3cret" };

    [Fact]
    public void SignInIsOffWithoutAnAuthorityAndThenNothingElseIsRequired() =>
        Assert.Empty(new OidcOptions { ClientId = null, ClientSecret = null, Scopes = "" }.Problems());

    [Theory]
    [InlineData("https://login.microsoftonline.com/tenant/v2.0", true)]
    [InlineData("https://accounts.google.com", true)]
    [InlineData("http://127.0.0.1:8080/realms/ops", false)]
    [InlineData("http://localhost:5556/dex", false)]
    [InlineData("http://[::1]:9000", false)]
    [InlineData("https://keycloak.internal/realms/ops", false)] // http metadata allowed, but https anyway
    public void GoodSettingsPass(string authority, bool requireHttps)
    {
        var options = Valid(authority);
        options.RequireHttpsMetadata = requireHttps;
        if (!requireHttps && !authority.Contains("127.0.0.1") && !authority.Contains("localhost") && !authority.Contains("::1"))
        {
            Assert.Contains(options.Problems(), p => p.Contains("RequireHttpsMetadata may be false only for a provider on loopback"));
            return;
        }
        Assert.Empty(options.Problems());
    }

    [Theory]
    [InlineData("not a url", "Authentication:Oidc:Authority must be")]
    [InlineData("ftp://login.example.com", "Authentication:Oidc:Authority must be")]
    [InlineData("/relative", "Authentication:Oidc:Authority must be")]
    [InlineData("http://login.example.com", "Authentication:Oidc:Authority must use https")]
    [InlineData("http://127.0.0.1:8080", "Authentication:Oidc:Authority must use https")]
    public void ABadAuthorityIsNamed(string authority, string problem) =>
        Assert.Contains(Valid(authority).Problems(), p => p.StartsWith(problem, StringComparison.Ordinal));

    [Theory]
    [InlineData("http://login.example.com")]
    [InlineData("http://10.0.0.5")]
    [InlineData("http://127.0.0.1.nip.io")]
    [InlineData("http://localhost.example.com")]
    [InlineData("https://0.0.0.0")]
    public void PlainHttpMetadataIsRefusedBeyondLoopback(string authority)
    {
        var options = Valid(authority);
        options.RequireHttpsMetadata = false;
        Assert.Contains(options.Problems(), p => p.Contains("Authentication:Oidc:RequireHttpsMetadata may be false only for a provider on loopback"));
    }

    [Fact]
    public void EveryMissingPieceIsNamedAtOnce()
    {
        var options = new OidcOptions { Authority = "https://login.example.com", Scopes = "profile email", NameClaim = " ", EmailClaim = "", GroupsClaim = "", HandleClaim = "", ApiAudience = " api ", GraphBaseUrl = "graph" };
        var problems = options.Problems();
        foreach (var key in new[] { "ClientId", "ClientSecret", "Scopes", "NameClaim", "EmailClaim", "GroupsClaim", "HandleClaim", "ApiAudience", "GraphBaseUrl" })
        {
            Assert.Contains(problems, p => p.StartsWith($"Authentication:Oidc:{key} ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("api://incidentbot", null)]
    [InlineData("00000000-1111-2222-3333-444444444444", null)]
    [InlineData("https://incidents.example.com/api", null)]
    [InlineData("", "Authentication:Oidc:ApiAudience must be")]
    [InlineData(" api://incidentbot", "Authentication:Oidc:ApiAudience must be")]
    [InlineData("api://incidentbot\n", "Authentication:Oidc:ApiAudience must be")]
    [InlineData("api://incident\u0001bot", "Authentication:Oidc:ApiAudience must be")]
    public void TheApiAudienceIsAPlainValue(string audience, string? problem)
    {
        var options = Valid();
        options.ApiAudience = System.Text.RegularExpressions.Regex.Unescape(audience);
        if (problem is null)
        {
            Assert.Empty(options.Problems());
        }
        else
        {
            Assert.Contains(options.Problems(), p => p.StartsWith(problem, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("https://graph.microsoft.com", null)]
    [InlineData("https://graph.microsoft.us/", null)]
    [InlineData("http://127.0.0.1:5000", null)]
    [InlineData("http://localhost:5000/", null)]
    [InlineData("http://graph.microsoft.com", "must use https")]
    [InlineData("ftp://graph.microsoft.com", "must be Microsoft Graph's absolute https address")]
    [InlineData("graph.microsoft.com", "must be Microsoft Graph's absolute https address")]
    [InlineData("https://graph.microsoft.com/?x=1", "must be Microsoft Graph's absolute https address")]
    public void TheGraphAddressIsHttpsOrLoopback(string url, string? problem)
    {
        var options = Valid();
        options.GraphBaseUrl = url;
        if (problem is null)
        {
            Assert.Empty(options.Problems());
        }
        else
        {
            Assert.Contains(options.Problems(), p => p.StartsWith("Authentication:Oidc:GraphBaseUrl ", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheBotRefusesToStartWithBadSettingsAndSaysWhy()
    {
        using var app = new Infrastructure.IncidentBotApplication(new() { ["Authentication:Oidc:Authority"] = "http://login.example.com", ["Authentication:Oidc:ClientId"] = "x" });
        var problems = IncidentBot.Hosting.ConfigurationCheck.FindProblems(
            (Microsoft.Extensions.Configuration.IConfiguration)app.Services.GetService(typeof(Microsoft.Extensions.Configuration.IConfiguration))!, app.Services);
        Assert.Contains(problems, p => p.Contains("Authentication:Oidc:Authority must use https"));
        Assert.Contains(problems, p => p.Contains("Authentication:Oidc:ClientSecret is required"));
    }
}
