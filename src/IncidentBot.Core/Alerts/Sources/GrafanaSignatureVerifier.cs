using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Grafana's webhook HMAC signature: lowercase hex HMAC-SHA256 of the body in <see cref="SignatureHeader"/>, or of
/// <c>{timestamp}:{body}</c> when the contact point also sets a timestamp header (one of <see cref="TimestampHeaders"/>).
/// </summary>
public sealed class GrafanaSignatureVerifier : IWebhookSignatureVerifier
{
    /// <summary>Grafana's default signature header (the contact point can rename it; IncidentBot expects this one).</summary>
    public const string SignatureHeader = "X-Grafana-Alerting-Signature";

    /// <summary>
    /// Grafana has no default timestamp header name; these are the two its docs and provisioning examples use.
    /// Configure one of them on the contact point to get replay protection.
    /// </summary>
    public static readonly IReadOnlyList<string> TimestampHeaders = ["X-Grafana-Alerting-Timestamp", "X-Grafana-Alerting-Signature-Timestamp"];

    /// <summary>How far a signed timestamp may be from the time the request arrived.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public string Source => "grafana";

    public Task<string?> VerifyAsync(WebhookRequest request, string? signingSecret, CancellationToken cancellationToken) =>
        Task.FromResult(Verify(request, signingSecret));

    private static string? Verify(WebhookRequest request, string? signingSecret)
    {
        if (string.IsNullOrEmpty(signingSecret))
        {
            return "no SigningSecret configured";
        }
        var signature = request.Header(SignatureHeader)?.Trim();
        if (string.IsNullOrEmpty(signature))
        {
            return $"missing {SignatureHeader}";
        }

        var signed = request.Body;
        var timestampHeader = TimestampHeaders.FirstOrDefault(h => !string.IsNullOrWhiteSpace(request.Header(h)));
        if (timestampHeader is not null)
        {
            var timestamp = request.Header(timestampHeader)!.Trim();
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return $"{timestampHeader} is not a Unix time";
            }
            // A captured request must not be replayable later; the timestamp is covered by the HMAC.
            if ((request.ReceivedAt - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
            {
                return $"{timestampHeader} is more than {Tolerance.TotalMinutes:0} minutes from now";
            }
            signed = [.. Encoding.UTF8.GetBytes(timestamp + ":"), .. request.Body];
        }

        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), signed)));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? null : "no signature matches";
    }
}
