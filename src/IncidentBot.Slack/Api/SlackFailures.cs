using IncidentBot.Chat.Platforms;

namespace IncidentBot.Slack.Api;

/// <summary>Turns Slack failures into what the outbox understands: retry later (how long), or give up for good.</summary>
internal static class SlackFailures
{
    public static ChatDeliveryException ToDelivery(SlackApiException ex) =>
        new($"{ex.Method}: {ex.Error}", permanent: !ex.Transient, retryAfter: ex.RetryAfter, inner: ex);
}
