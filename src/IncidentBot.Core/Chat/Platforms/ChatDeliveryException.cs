namespace IncidentBot.Chat.Platforms;

/// <summary>
/// A platform refused or failed a delivery. <see cref="Permanent"/> failures (no permission, channel gone) are not
/// retried; others are, after <see cref="RetryAfter"/> when the platform said how long to wait.
/// </summary>
public sealed class ChatDeliveryException(string message, bool permanent = false, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
