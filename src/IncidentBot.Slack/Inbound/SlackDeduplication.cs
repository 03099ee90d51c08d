using System.Security.Cryptography;
using System.Text;
using IncidentBot.Storage;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// What Slack sent that the bot already acted on, so nothing acts twice: a signed request sent again (its
/// signature is the same), an event Slack retries (its <c>event_id</c> is the same) and a Socket Mode envelope
/// delivered again (its <c>envelope_id</c> is the same). Each is remembered durably, for as long as a repeat can come.
/// </summary>
internal sealed class SlackDeduplication(IDeduplicationStore store, TimeProvider time)
{
    /// <summary>
    /// Beyond the signature window: a request is accepted while its timestamp is within five minutes of the
    /// bot's clock, and a minute more absorbs a clock that steps back.
    /// </summary>
    public static readonly TimeSpan SignatureMargin = TimeSpan.FromMinutes(1);

    /// <summary>Slack retries an event three times within about five minutes, or hourly for a day with Delayed Events.</summary>
    public static readonly TimeSpan EventLifetime = TimeSpan.FromHours(25);

    /// <summary>Slack redelivers an envelope whose acknowledgement it did not get, soon after.</summary>
    public static readonly TimeSpan EnvelopeLifetime = TimeSpan.FromHours(1);

    /// <summary>True the first time this verified signature is seen; a replay of the same request is false.</summary>
    public ValueTask<bool> FirstRequestAsync(long timestamp, string signature, CancellationToken cancellationToken) =>
        RecordAsync("slack:signature:", signature, DateTimeOffset.FromUnixTimeSeconds(timestamp) + SlackSignatureVerifier.ReplayWindow + SignatureMargin, cancellationToken);

    public ValueTask<bool> FirstEventAsync(string eventId, CancellationToken cancellationToken) =>
        RecordAsync("slack:event:", eventId, time.GetUtcNow() + EventLifetime, cancellationToken);

    public ValueTask<bool> FirstEnvelopeAsync(string envelopeId, CancellationToken cancellationToken) =>
        RecordAsync("slack:envelope:", envelopeId, time.GetUtcNow() + EnvelopeLifetime, cancellationToken);

    // Hashed: every key has the same short length whatever Slack put in the field.
    private ValueTask<bool> RecordAsync(string kind, string value, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        store.TryRecordAsync(new DeduplicationKey(kind + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))), expiresAt), time.GetUtcNow(), cancellationToken);
}
