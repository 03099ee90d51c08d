using IncidentBot.Incidents;

namespace IncidentBot.Reminders;

/// <summary>
/// How often an open incident needs a status update. Section <c>Reminders</c>:
/// <code>"Reminders": { "Intervals": { "Sev1": "00:15:00", "Sev2": "00:30:00", "Sev3": "01:00:00", "Sev4": "00:00:00" } }</code>
/// Zero means no reminders for that severity. Drills get none.
/// </summary>
public sealed class ReminderOptions
{
    public const string Section = "Reminders";

    public Dictionary<Severity, TimeSpan> Intervals { get; set; } = new()
    {
        [Severity.Sev1] = TimeSpan.FromMinutes(15),
        [Severity.Sev2] = TimeSpan.FromMinutes(30),
        [Severity.Sev3] = TimeSpan.FromMinutes(60),
        [Severity.Sev4] = TimeSpan.Zero,
    };

    public TimeSpan? IntervalFor(Severity severity) =>
        Intervals.TryGetValue(severity, out var interval) && interval > TimeSpan.Zero ? interval : null;

    /// <summary>When the next reminder is due: one interval after the last update (or reminder, or the start).</summary>
    public DateTimeOffset? DueFor(Incident incident)
    {
        if (incident.IsDrill || !incident.Status.IsOpen() || IntervalFor(incident.Severity) is not { } interval)
        {
            return null;
        }
        var since = new[] { incident.CreatedAt, incident.LastUpdateAt ?? DateTimeOffset.MinValue, incident.LastReminderAt ?? DateTimeOffset.MinValue }.Max();
        return since + interval;
    }
}
