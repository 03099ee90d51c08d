namespace IncidentBot.Chat.Outbox;

/// <summary>Wakes the outbox dispatcher when something was queued.</summary>
public sealed class OutboxSignal : WakeSignal;
