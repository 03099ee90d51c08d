namespace IncidentBot.Slack.Api;

/// <summary>Slack answered <c>ok: false</c> (or failed at the HTTP level); <see cref="Error"/> is Slack's own code.</summary>
public sealed class SlackApiException(string method, string error, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"Slack {method} failed: {error}", inner)
{
    private static readonly HashSet<string> TransientErrors =
        ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "http_error", "connection_failed"];

    public string Method { get; } = method;

    public string Error { get; } = error;

    /// <summary>How long Slack asked us to wait (HTTP 429 <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth retrying later; anything else (no permission, channel gone) will fail the same way again.</summary>
    public bool Transient => TransientErrors.Contains(Error);
}
