using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Alerts.Sources;

/// <summary>Confirms SNS HTTP subscriptions of allowed topics by visiting the <c>SubscribeURL</c> of a verified message.</summary>
public sealed class SnsSubscriptions(SnsSignatureVerifier verifier, IOptions<SnsOptions> options, HttpClient http, ILogger<SnsSubscriptions> logger)
{
    private readonly SnsOptions _options = options.Value;

    /// <summary>
    /// Confirms the subscription a <c>SubscriptionConfirmation</c> envelope asks for and says so; throws
    /// <see cref="SnsRefusedException"/> when the message is not one, does not verify, or names another host.
    /// </summary>
    public async Task<string> ConfirmAsync(JsonElement envelope, CancellationToken cancellationToken)
    {
        if (envelope.ValueKind != JsonValueKind.Object || SnsEnvelope.Field(envelope, "Type") != SnsEnvelope.SubscriptionConfirmation)
        {
            throw new SnsRefusedException("not an SNS SubscriptionConfirmation");
        }
        // Verified here as well, not only by the endpoint: visiting the URL subscribes us, so nobody else may choose it.
        if (await verifier.VerifyEnvelopeAsync(envelope, cancellationToken) is { } problem)
        {
            throw new SnsRefusedException(problem);
        }
        if (_options.AllowedUrl(SnsEnvelope.Field(envelope, "SubscribeURL")) is not { } subscribeUrl)
        {
            throw new SnsRefusedException("SubscribeURL host not allowed");
        }
        var topic = SnsEnvelope.Field(envelope, "TopicArn");
        using var response = await http.GetAsync(subscribeUrl, cancellationToken);
        response.EnsureSuccessStatusCode();
        logger.LogInformation("Confirmed the SNS subscription to {Topic}", topic);
        return $"Confirmed the subscription to {topic}.";
    }
}
