using System.Text.Json.Serialization;

namespace IncidentBot.Incidents;

/// <summary>Where an incident is in its life: triggered → acknowledged → mitigated → resolved → closed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentStatus>))]
public enum IncidentStatus
{
    [JsonStringEnumMemberName("triggered")] Triggered,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("mitigated")] Mitigated,
    [JsonStringEnumMemberName("resolved")] Resolved,
    [JsonStringEnumMemberName("closed")] Closed,
}

/// <summary>Groupings of statuses used by queries.</summary>
public static class IncidentStatusExtensions
{
    /// <summary>Open incidents still need people: triggered, acknowledged or mitigated.</summary>
    public static bool IsOpen(this IncidentStatus status) => status < IncidentStatus.Resolved;

    public static string Display(this IncidentStatus status) => status.ToString().ToLowerInvariant();
}
