namespace IncidentBot.Alerts.Sources;

/// <summary>What a signed source's verifier sees: the headers (case-insensitive) and the exact body bytes.</summary>
public sealed record WebhookRequest(IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Checks a source's own request signature over the raw body (Grafana, PagerDuty, SNS). Runs before the body is
/// parsed; a source with a verifier needs no other credentials.
/// </summary>
public interface IWebhookSignatureVerifier
{
    string Source { get; }

    /// <summary>True for sources that always sign (SNS): verified even without a configured secret.</summary>
    bool AlwaysSigned => false;

    /// <summary>Null when the request verifies; otherwise why not, safe to show (never a secret).</summary>
    Task<string?> VerifyAsync(WebhookRequest request, string? signingSecret, CancellationToken cancellationToken);
}
