using System.Globalization;

namespace IncidentBot.Rca;

/// <summary>Formats an incident's times in its display zone, dropping the date from clock times when it all happened on one day.</summary>
internal sealed class RcaClock
{
    private const string None = "—";

    private readonly TimeZoneInfo _zone;
    private readonly string _clockFormat;

    public RcaClock(RcaInput input)
    {
        _zone = input.DisplayZone ?? TimeZoneInfo.Utc;
        ZoneName = _zone.HasSameRules(TimeZoneInfo.Utc) ? "UTC" : _zone.Id;
        var incident = input.Incident;
        DateTimeOffset?[] moments =
        [
            incident.CreatedAt, incident.AcknowledgedAt, incident.MitigatedAt, incident.ResolvedAt,
            .. input.Timeline.Select(e => (DateTimeOffset?)e.At),
            .. input.Alerts.SelectMany(a => new[] { a.StartsAt ?? a.FirstSeenAt, a.ResolvedAt }),
        ];
        var days = moments.OfType<DateTimeOffset>().Select(m => Local(m).Date).Distinct().Count();
        _clockFormat = days <= 1 ? "HH:mm" : "yyyy-MM-dd HH:mm";
    }

    /// <summary>"UTC", or the display zone's id (e.g. Europe/Berlin), which stays right across DST changes.</summary>
    public string ZoneName { get; }

    /// <summary>A full time with date and zone, e.g. <c>2026-11-26 03:12 UTC</c>.</summary>
    public string Full(DateTimeOffset? at) =>
        at is { } t ? $"{Local(t).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {ZoneName}" : None;

    /// <summary>A time inside the incident: <c>HH:mm</c>, with the date only when the incident spans days.</summary>
    public string Clock(DateTimeOffset? at) => at is { } t ? Local(t).ToString(_clockFormat, CultureInfo.InvariantCulture) : None;

    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).DateTime;
}
