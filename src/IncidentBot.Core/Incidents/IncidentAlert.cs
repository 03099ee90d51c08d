using IncidentBot.Alerts;

namespace IncidentBot.Incidents;

/// <summary>An alert as it stands inside one incident: its latest status and when it was seen.</summary>
public sealed class IncidentAlert
{
    /// <summary><c>{incident}/{source}/{fingerprint}</c>: one record per alert per incident.</summary>
    public string Id { get; set; } = "";

    public int IncidentNumber { get; set; }

    public string Source { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public AlertStatus Status { get; set; }

    public string? Severity { get; set; }

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    public Dictionary<string, string> Labels { get; set; } = [];

    public List<AlertLink> Links { get; set; } = [];

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The latest raw JSON the source sent for it.</summary>
    public string Raw { get; set; } = "";

    public static string IdFor(int incidentNumber, string source, string fingerprint) => $"{incidentNumber}/{source}/{fingerprint}";
}
