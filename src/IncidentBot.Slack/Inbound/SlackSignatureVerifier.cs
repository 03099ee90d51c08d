using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Slack's request signing: <c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{raw body}</c> with the signing
/// secret, compared in constant time, and refused when the timestamp is more than five minutes away.
/// </summary>
public sealed class SlackSignatureVerifier(IOptions<SlackOptions> options, TimeProvider time)
{
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public SlackSignatureCheck Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        var secret = options.Value.SigningSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return SlackSignatureCheck.NotConfigured;
        }
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SlackSignatureCheck.MissingHeaders;
        }
        if (Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > ReplayWindow.TotalSeconds)
        {
            return SlackSignatureCheck.Stale;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)) ? SlackSignatureCheck.Valid : SlackSignatureCheck.Mismatch;
    }

    /// <summary>The signature Slack sends for this body; tests use it to sign requests like Slack does.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}

/// <summary>The outcome of checking a request's Slack signature.</summary>
public enum SlackSignatureCheck
{
    Valid,
    NotConfigured,
    MissingHeaders,
    Stale,
    Mismatch,
}
