using System.Text.Json.Serialization;

namespace IncidentBot.Chat.Outbox;

/// <summary>
/// One piece of work for one chat platform: open an incident's channel, or post a message in it. Items with the
/// same <see cref="ConversationKey"/> are delivered strictly in order.
/// </summary>
public sealed class OutboxItem
{
    public long Id { get; set; }

    public string Platform { get; set; } = "";

    public int? IncidentNumber { get; set; }

    public OutboxItemKind Kind { get; set; }

    /// <summary>The <see cref="ChatMessage"/> as JSON, for <see cref="OutboxItemKind.Post"/>.</summary>
    public string? MessageJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public OutboxItemState State { get; set; } = OutboxItemState.Pending;

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// Set by a claim (never stored) when the item was taken from another holder whose claim ran out before it
    /// recorded an outcome: a replica that died or stalled, perhaps after the platform took the message. Sending it
    /// again may repeat it in the chat; the dispatcher counts those (<c>incidentbot_outbox_redeliveries_total</c>).
    /// </summary>
    [JsonIgnore]
    public string? TakenOverFrom { get; set; }

    /// <summary>Ordering is per platform and incident: a Slack outage never delays Teams.</summary>
    [JsonIgnore]
    public string ConversationKey => $"{Platform}/{IncidentNumber?.ToString() ?? "-"}";
}

/// <summary>What an outbox item asks the platform to do.</summary>
public enum OutboxItemKind
{
    OpenChannel,
    Post,
}

/// <summary>Where an outbox item is in its delivery.</summary>
public enum OutboxItemState
{
    Pending,
    Delivered,
    Failed,
}
