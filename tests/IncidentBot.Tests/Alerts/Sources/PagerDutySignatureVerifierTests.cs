using System.Security.Cryptography;
using System.Text;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

/// <summary>PagerDuty's <c>X-PagerDuty-Signature</c>, computed here over the published fixture's exact bytes.</summary>
public sealed class PagerDutySignatureVerifierTests
{
    private const string Secret = "pagerduty-subscription-secret";
    private static readonly byte[] Body = Fixtures.ReadBytes("alerts/pagerduty/webhook-v3-incident-triggered.json");
    private readonly PagerDutySignatureVerifier _verifier = new();

    [Fact]
    public async Task ValidSignatureVerifies()
    {
        Assert.Null(await VerifyAsync(Body, Sign(Secret, Body)));
    }

    [Fact]
    public async Task DuringRotationTheSecondSignatureMayBeTheOneThatMatches()
    {
        Assert.Null(await VerifyAsync(Body, $"{Sign("the-old-secret", Body)}, {Sign(Secret, Body)}"));
    }

    [Fact]
    public async Task TamperedBodyIsRefused()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("incident.triggered", "incident.resolved"));

        Assert.Equal("no signature matches", await VerifyAsync(tampered, Sign(Secret, Body)));
    }

    [Fact]
    public async Task WrongSecretIsRefusedWithoutRevealingIt()
    {
        var reason = await VerifyAsync(Body, Sign("another-secret", Body));

        Assert.Equal("no signature matches", reason);
        Assert.DoesNotContain(Secret, reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public async Task MissingSignatureIsRefused(string? header)
    {
        Assert.Equal("missing X-PagerDuty-Signature", await VerifyAsync(Body, header));
    }

    [Fact]
    public async Task OnlyVersionOneSignaturesCount()
    {
        Assert.Equal("no signature matches", await VerifyAsync(Body, Sign(Secret, Body).Replace("v1=", "v2=")));
    }

    [Fact]
    public async Task WithoutASigningSecretNothingVerifies()
    {
        var request = new WebhookRequest(Headers(Sign("", Body)), Body, DateTimeOffset.UtcNow);

        Assert.Equal("no SigningSecret configured", await _verifier.VerifyAsync(request, null, CancellationToken.None));
    }

    private Task<string?> VerifyAsync(byte[] body, string? header) =>
        _verifier.VerifyAsync(new WebhookRequest(Headers(header), body, DateTimeOffset.UtcNow), Secret, CancellationToken.None);

    private static string Sign(string secret, byte[] body) => "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static Dictionary<string, string> Headers(string? signature)
    {
        // Lower-case on purpose: header names are case-insensitive and ASP.NET Core may hand them over either way.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (signature is not null)
        {
            headers["x-pagerduty-signature"] = signature;
        }
        return headers;
    }
}
