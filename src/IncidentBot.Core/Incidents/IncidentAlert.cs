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

    /// <summary>The alert's annotations (summary, description, runbook_url, dashboard, …) as the source sent them first.</summary>
    public Dictionary<string, string> Annotations { get; set; } = [];

    public List<AlertLink> Links { get; set; } = [];

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The latest raw JSON the source sent for it.</summary>
    public string Raw { get; set; } = "";

    /// <summary>The alert as first seen by incident <paramref name="incidentNumber"/> at <paramref name="now"/>.</summary>
    public static IncidentAlert From(Alert alert, int incidentNumber, DateTimeOffset now) => new()
    {
        Id = IdFor(incidentNumber, alert.Source, alert.Fingerprint),
        IncidentNumber = incidentNumber,
        Source = alert.Source,
        Fingerprint = alert.Fingerprint,
        Status = alert.Status,
        Severity = alert.Severity,
        Title = alert.Title,
        Description = alert.Description,
        Labels = alert.Labels,
        Annotations = alert.Annotations,
        Links = alert.Links,
        StartsAt = alert.StartsAt,
        EndsAt = alert.EndsAt,
        FirstSeenAt = now,
        ResolvedAt = alert.Status == AlertStatus.Resolved ? now : null,
        Raw = alert.Raw,
    };

    public static string IdFor(int incidentNumber, string source, string fingerprint) => $"{incidentNumber}/{source}/{fingerprint}";

    /// <summary>The incident number an id of <see cref="IdFor"/> starts with, or null when it is not such an id.</summary>
    public static int? IncidentNumberOf(string id) =>
        id.IndexOf('/') is > 0 and var end && int.TryParse(id.AsSpan(0, end), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number : null;
}
