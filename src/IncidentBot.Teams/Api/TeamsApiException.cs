using IncidentBot.Chat.Platforms;

namespace IncidentBot.Teams.Api;

/// <summary>A Teams-side call (token, Connector, Graph) failed; the status says whether trying again can help.</summary>
public sealed class TeamsApiException(string operation, int status, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"Teams {operation} failed ({status}): {message}", inner)
{
    public string Operation { get; } = operation;

    public int Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Throttling, server trouble and lost connections pass; refusals (401, 403, 404, 400) do not.</summary>
    public bool Transient => Status is 0 or 408 or 412 or 429 or >= 500;

    /// <summary>The start of an error body: enough to name the problem in a log or outbox entry, never a flood.</summary>
    public static string Excerpt(string body) => body.Length <= 300 ? body : body[..300];

    public ChatDeliveryException ToDelivery() => new(Message, permanent: !Transient, retryAfter: RetryAfter, inner: this);
}
