namespace IncidentBot.Alerts.Sources;

/// <summary>A webhook body that cannot be turned into alerts; <see cref="Field"/> names what is wrong.</summary>
public sealed class AlertPayloadException(string field, string message) : Exception(message)
{
    /// <summary>JSON path of the offending field, e.g. <c>alerts[2].labels</c>, or <c>$</c> for the whole body.</summary>
    public string Field { get; } = field;
}
