using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using IncidentBot.Inbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Alerts.Sources;

/// <summary>
/// Verifies Amazon SNS message signatures (versions 1 = SHA1withRSA, 2 = SHA256withRSA) for the <c>cloudwatch</c>
/// source, with the certificate SNS names in <c>SigningCertURL</c>, fetched only from an allowed host and cached by URL.
/// Register it as a singleton so the cache lives as long as the app.
/// </summary>
public sealed class SnsSignatureVerifier(IOptions<SnsOptions> options, HttpClient http, ILogger<SnsSignatureVerifier> logger)
    : IWebhookSignatureVerifier
{
    private readonly SnsOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);

    public string Source => "cloudwatch";

    /// <summary>SNS signs with AWS's key, so there is no secret to configure and every request is checked.</summary>
    public bool AlwaysSigned => true;

    /// <summary>Ignores <paramref name="signingSecret"/>: the key is AWS's, named by the message itself.</summary>
    public async Task<string?> VerifyAsync(WebhookRequest request, string? signingSecret, CancellationToken cancellationToken)
    {
        JsonDocument json;
        try
        {
            // Duplicate names would let the signed value and the one the normaliser reads differ; an undecodable
            // string would throw where the verifier reads it.
            json = StrictJson.Parse(request.Body);
        }
        catch (JsonException ex)
        {
            return $"body is not an SNS message ({ex.Message})";
        }
        using (json)
        {
            var envelopes = SnsEnvelope.All(json.RootElement).ToList();
            if (envelopes.Count == 0)
            {
                return "the event holds no SNS message";
            }
            foreach (var envelope in envelopes)
            {
                if (await VerifyEnvelopeAsync(envelope, cancellationToken) is { } problem)
                {
                    return problem;
                }
            }
            return null;
        }
    }

    /// <summary>Null when this one SNS envelope comes from an allowed topic and its signature verifies; otherwise why not.</summary>
    public async Task<string?> VerifyEnvelopeAsync(JsonElement envelope, CancellationToken cancellationToken)
    {
        if (envelope.ValueKind != JsonValueKind.Object || SnsEnvelope.HasDuplicateNames(envelope))
        {
            return "not an SNS message";
        }
        var type = SnsEnvelope.Field(envelope, "Type");
        if (type is not (SnsEnvelope.Notification or SnsEnvelope.SubscriptionConfirmation or SnsEnvelope.UnsubscribeConfirmation))
        {
            return $"unknown SNS message type '{type}'";
        }
        if (!_options.AllowsTopic(SnsEnvelope.Field(envelope, "TopicArn")))
        {
            return "topic not allowed";
        }
        HashAlgorithmName? hash = SnsEnvelope.Field(envelope, "SignatureVersion") switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => null,
        };
        if (hash is null)
        {
            return "unsupported SignatureVersion";
        }
        var signature = DecodeBase64(SnsEnvelope.Field(envelope, "Signature"));
        if (signature is null)
        {
            return "Signature is missing or not base64";
        }
        if (_options.AllowedUrl(SnsEnvelope.SigningCertUrl(envelope)) is not { } certificateUrl)
        {
            return "certificate host not allowed";
        }
        if (SnsEnvelope.StringToSign(envelope, out var missing) is not { } stringToSign)
        {
            return $"{missing} is missing";
        }
        var certificate = await CertificateAsync(certificateUrl, cancellationToken);
        if (certificate is null)
        {
            return "signing certificate could not be fetched";
        }
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(Encoding.UTF8.GetBytes(stringToSign), signature, hash.Value, RSASignaturePadding.Pkcs1)
            ? null
            : "signature does not match";
    }

    private async Task<X509Certificate2?> CertificateAsync(Uri url, CancellationToken cancellationToken)
    {
        if (_certificates.TryGetValue(url.AbsoluteUri, out var cached))
        {
            return cached;
        }
        try
        {
            var pem = await http.GetStringAsync(url, cancellationToken);
            logger.LogInformation("Fetched SNS signing certificate {Url}", url);
            return _certificates.GetOrAdd(url.AbsoluteUri, X509Certificate2.CreateFromPem(pem));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or CryptographicException or TaskCanceledException)
        {
            // Not cached: a failed fetch is retried with the next message.
            logger.LogWarning(ex, "Could not fetch SNS signing certificate {Url}", url);
            return null;
        }
    }

    private static byte[]? DecodeBase64(string? text)
    {
        var buffer = new byte[((text?.Length ?? 0) + 3) / 4 * 3];
        return text is not null && Convert.TryFromBase64String(text, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }
}
