using IncidentBot.Incidents;

namespace IncidentBot.Rca;

/// <summary>Everything an RCA is made from; times are shown in <paramref name="DisplayZone"/>, UTC when null.</summary>
public sealed record RcaInput(Incident Incident, IReadOnlyList<IncidentAlert> Alerts, IReadOnlyList<TimelineEntry> Timeline, TimeZoneInfo? DisplayZone = null);
