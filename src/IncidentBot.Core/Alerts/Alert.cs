namespace IncidentBot.Alerts;

/// <summary>One normalised signal from an alerting system, whatever its source.</summary>
public sealed class Alert
{
    /// <summary>The webhook source it came from, e.g. <c>alertmanager</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Identifies this alert across notifications (firing and resolved share it).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Alerts with the same group key belong to the same incident while it is open.</summary>
    public required string GroupKey { get; init; }

    public required AlertStatus Status { get; init; }

    /// <summary>The severity the source gave, unmapped (e.g. <c>critical</c>); null when it gave none.</summary>
    public string? Severity { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    public Dictionary<string, string> Labels { get; init; } = [];

    public Dictionary<string, string> Annotations { get; init; } = [];

    public List<AlertLink> Links { get; init; } = [];

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>The source's own JSON for this alert, kept so nothing the sender said is lost.</summary>
    public string Raw { get; init; } = "";
}

/// <summary>Whether an alert is still firing or has resolved.</summary>
public enum AlertStatus
{
    Firing,
    Resolved,
}

/// <summary>A link an alert carries: a graph, a dashboard, a runbook, a silence.</summary>
public sealed record AlertLink(string Title, string Url);
