using IncidentBot.Chat;

namespace IncidentBot.Alerts;

/// <summary>Wakes the alert processor when alerts were stored.</summary>
public sealed class AlertInboxSignal : WakeSignal;
