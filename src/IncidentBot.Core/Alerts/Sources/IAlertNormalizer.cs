using System.Text.Json;

namespace IncidentBot.Alerts.Sources;

/// <summary>Turns one source's webhook body into normalised alerts.</summary>
public interface IAlertNormalizer
{
    /// <summary>The source name as it appears in <c>/webhooks/{source}</c>.</summary>
    string Source { get; }

    /// <summary>Reads the body; throws <see cref="AlertPayloadException"/> naming the field when it is not valid.</summary>
    IReadOnlyList<Alert> Normalize(JsonElement body);
}
