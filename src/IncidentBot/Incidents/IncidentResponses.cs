using System.Text.Json.Serialization;
using IncidentBot.Alerts;

namespace IncidentBot.Incidents;

/// <summary>An incident as the API lists it. Times are UTC.</summary>
public record IncidentSummaryResponse(
    int Number,
    string Reference,
    string Title,
    Severity Severity,
    IncidentStatus Status,
    bool IsDrill,
    string? Service,
    DateTime CreatedAt,
    DateTime? AcknowledgedAt,
    DateTime? MitigatedAt,
    DateTime? ResolvedAt,
    DateTime? ClosedAt,
    DateTime? LastUpdateAt,
    int AlertCount,
    int FiringAlertCount,
    IReadOnlyDictionary<string, string> Roles,
    IReadOnlyList<ChannelBinding> Channels);

/// <summary>One incident with everything the list shows, plus its alerts, timeline and runbook sessions.</summary>
public sealed record IncidentDetailResponse : IncidentSummaryResponse
{
    public IncidentDetailResponse(IncidentSummaryResponse summary)
        : base(summary)
    {
    }

    [JsonPropertyOrder(1)]
    public string? ResolutionSummary { get; init; }

    [JsonPropertyOrder(1)]
    public IReadOnlyList<AlertResponse> Alerts { get; init; } = [];

    [JsonPropertyOrder(1)]
    public IReadOnlyList<TimelineEntryResponse> Timeline { get; init; } = [];

    [JsonPropertyOrder(1)]
    public IReadOnlyList<Runbooks.RunbookSessionResponse> RunbookSessions { get; init; } = [];
}

/// <summary>An alert inside an incident.</summary>
public sealed record AlertResponse(
    string Source, string Fingerprint, AlertStatus Status, string? Severity, string Title, string? Description,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyList<AlertLink> Links,
    DateTime? StartsAt, DateTime? EndsAt, DateTime FirstSeenAt, DateTime? ResolvedAt);

/// <summary>One timeline entry.</summary>
public sealed record TimelineEntryResponse(DateTime At, string Actor, string Kind, string Text);

/// <summary>Maps stored incidents to what the API shows.</summary>
internal static class IncidentResponseMapping
{
    public static IncidentSummaryResponse ToSummary(this Incident i) => new(
        i.Number, i.Reference, i.Title, i.Severity, i.Status, i.IsDrill, i.Service,
        i.CreatedAt.UtcDateTime, i.AcknowledgedAt?.UtcDateTime, i.MitigatedAt?.UtcDateTime, i.ResolvedAt?.UtcDateTime,
        i.ClosedAt?.UtcDateTime, i.LastUpdateAt?.UtcDateTime, i.AlertCount, i.FiringAlertCount, i.Roles, i.Channels);

    public static AlertResponse ToResponse(this IncidentAlert a) => new(
        a.Source, a.Fingerprint, a.Status, a.Severity, a.Title, a.Description, a.Labels, a.Links,
        a.StartsAt?.UtcDateTime, a.EndsAt?.UtcDateTime, a.FirstSeenAt.UtcDateTime, a.ResolvedAt?.UtcDateTime);

    public static TimelineEntryResponse ToResponse(this TimelineEntry t) => new(t.At.UtcDateTime, t.Actor, t.Kind, t.Text);
}
