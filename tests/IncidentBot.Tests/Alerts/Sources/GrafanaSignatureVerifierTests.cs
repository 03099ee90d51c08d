using System.Security.Cryptography;
using System.Text;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

/// <summary>Grafana's HMAC signature, computed here over the published fixture's exact bytes.</summary>
public sealed class GrafanaSignatureVerifierTests
{
    private const string Secret = "grafana-contact-point-secret";
    private static readonly byte[] Body = Fixtures.ReadBytes("alerts/grafana/firing-two-alerts-docs.json");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);
    private readonly GrafanaSignatureVerifier _verifier = new();

    [Fact]
    public async Task ValidBodySignatureVerifies()
    {
        Assert.Null(await VerifyAsync(Body, Headers((GrafanaSignatureVerifier.SignatureHeader, Sign(Secret, Body)))));
    }

    [Theory]
    [InlineData("X-Grafana-Alerting-Timestamp")]
    [InlineData("X-Grafana-Alerting-Signature-Timestamp")]
    public async Task ValidTimestampedSignatureVerifies(string timestampHeader)
    {
        var timestamp = Now.AddSeconds(-30).ToUnixTimeSeconds().ToString();
        var signed = Encoding.UTF8.GetBytes(timestamp + ":").Concat(Body).ToArray();

        Assert.Null(await VerifyAsync(Body, Headers((GrafanaSignatureVerifier.SignatureHeader, Sign(Secret, signed)), (timestampHeader, timestamp))));
    }

    [Fact]
    public async Task TamperedBodyIsRefused()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("\"firing\"", "\"resolved\""));

        Assert.Equal("no signature matches", await VerifyAsync(tampered, Headers((GrafanaSignatureVerifier.SignatureHeader, Sign(Secret, Body)))));
    }

    [Fact]
    public async Task WrongSecretIsRefusedWithoutRevealingIt()
    {
        var reason = await VerifyAsync(Body, Headers((GrafanaSignatureVerifier.SignatureHeader, Sign("another-secret", Body))));

        Assert.Equal("no signature matches", reason);
        Assert.DoesNotContain(Secret, reason);
    }

    [Fact]
    public async Task MissingSignatureIsRefused()
    {
        Assert.Equal("missing X-Grafana-Alerting-Signature", await VerifyAsync(Body, Headers()));
    }

    [Fact]
    public async Task StaleTimestampIsRefusedAsAReplay()
    {
        var timestamp = Now.AddMinutes(-6).ToUnixTimeSeconds().ToString();
        var signed = Encoding.UTF8.GetBytes(timestamp + ":").Concat(Body).ToArray();
        var headers = Headers((GrafanaSignatureVerifier.SignatureHeader, Sign(Secret, signed)), ("X-Grafana-Alerting-Timestamp", timestamp));

        Assert.Equal("X-Grafana-Alerting-Timestamp is more than 5 minutes from now", await VerifyAsync(Body, headers));
    }

    [Fact]
    public async Task TimestampMustBeCoveredBySignature()
    {
        // A body-only signature replayed with a fresh timestamp header does not verify.
        var headers = Headers((GrafanaSignatureVerifier.SignatureHeader, Sign(Secret, Body)), ("X-Grafana-Alerting-Timestamp", Now.ToUnixTimeSeconds().ToString()));

        Assert.Equal("no signature matches", await VerifyAsync(Body, headers));
    }

    [Fact]
    public async Task WithoutASigningSecretNothingVerifies()
    {
        var request = new WebhookRequest(Headers((GrafanaSignatureVerifier.SignatureHeader, Sign("", Body))), Body, Now);

        Assert.Equal("no SigningSecret configured", await _verifier.VerifyAsync(request, "", CancellationToken.None));
    }

    private Task<string?> VerifyAsync(byte[] body, Dictionary<string, string> headers) =>
        _verifier.VerifyAsync(new WebhookRequest(headers, body, Now), Secret, CancellationToken.None);

    private static string Sign(string secret, byte[] signed) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));

    private static Dictionary<string, string> Headers(params (string Name, string Value)[] headers) =>
        headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
}
