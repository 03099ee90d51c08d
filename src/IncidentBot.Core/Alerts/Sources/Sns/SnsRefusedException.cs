namespace IncidentBot.Alerts.Sources;

/// <summary>An SNS message IncidentBot will not act on; the message says why and is safe to show.</summary>
public sealed class SnsRefusedException(string reason) : Exception(reason);
