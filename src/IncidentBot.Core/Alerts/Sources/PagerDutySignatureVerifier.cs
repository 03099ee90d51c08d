using System.Security.Cryptography;
using System.Text;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// PagerDuty Webhooks V3 signing: <see cref="SignatureHeader"/> holds <c>v1=&lt;hex HMAC-SHA256 of the raw body&gt;</c>,
/// several of them comma-separated while a subscription's secret is being rotated; any one matching verifies.
/// </summary>
public sealed class PagerDutySignatureVerifier : IWebhookSignatureVerifier
{
    public const string SignatureHeader = "X-PagerDuty-Signature";

    public string Source => "pagerduty";

    public Task<string?> VerifyAsync(WebhookRequest request, string? signingSecret, CancellationToken cancellationToken) =>
        Task.FromResult(Verify(request, signingSecret));

    private static string? Verify(WebhookRequest request, string? signingSecret)
    {
        if (string.IsNullOrEmpty(signingSecret))
        {
            return "no SigningSecret configured";
        }
        var header = request.Header(SignatureHeader);
        if (string.IsNullOrWhiteSpace(header))
        {
            return $"missing {SignatureHeader}";
        }

        var expected = Encoding.ASCII.GetBytes("v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), request.Body)));
        var matched = false;
        foreach (var signature in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Versions other than v1 simply never match; every candidate is compared so timing says nothing.
            matched |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
        }
        return matched ? null : "no signature matches";
    }
}
