using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.Metrics;

/// <summary>
/// How fast incidents were acknowledged, mitigated and resolved (mean seconds from opening), by service and
/// severity, with drills kept apart so practice never flatters or spoils the real figures; and whether the
/// status-update cadence was kept.
/// </summary>
public static class ResponseMetrics
{
    /// <summary>Figures for incidents opened from <paramref name="since"/> up to (not including) <paramref name="until"/>.</summary>
    public static async Task<ResponseReport> ComputeAsync(IIncidentStore store, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var incidents = (await store.ListAsync(new IncidentQuery(IncidentStatusFilter.All, int.MaxValue), cancellationToken)).Where(i => i.CreatedAt >= since && i.CreatedAt < until).ToList();
        var real = incidents.Where(i => !i.IsDrill).ToList();
        var cadence = new List<IReadOnlyList<TimelineEntry>>();
        foreach (var incident in real)
        {
            cadence.Add(await store.TimelineOfAsync(incident.Number, cancellationToken));
        }
        return new ResponseReport(
            since,
            until,
            Groups(real),
            Groups(incidents.Where(i => i.IsDrill).ToList()),
            new UpdateCadence(
                cadence.Sum(t => t.Count(e => e.Kind == TimelineKinds.StatusUpdate)),
                cadence.Sum(t => t.Count(e => e.Kind == TimelineKinds.MissedUpdate)),
                cadence.Count(t => t.Any(e => e.Kind == TimelineKinds.MissedUpdate)),
                real.Count));
    }

    private static IReadOnlyList<ResponseGroup> Groups(IReadOnlyList<Incident> incidents) =>
        incidents.GroupBy(i => (Service: i.Service ?? "unknown", i.Severity))
            .OrderBy(g => g.Key.Service, StringComparer.Ordinal).ThenBy(g => g.Key.Severity)
            .Select(g => new ResponseGroup(
                g.Key.Service, g.Key.Severity, g.Count(),
                Mean(g.Select(i => i.AcknowledgedAt - i.CreatedAt)),
                Mean(g.Select(i => i.MitigatedAt - i.CreatedAt)),
                Mean(g.Select(i => i.ResolvedAt - i.CreatedAt))))
            .ToList();

    private static double? Mean(IEnumerable<TimeSpan?> spans)
    {
        var values = spans.OfType<TimeSpan>().Select(s => s.TotalSeconds).ToList();
        return values.Count == 0 ? null : Math.Round(values.Average(), 1);
    }
}

/// <summary>Response figures over a period.</summary>
public sealed record ResponseReport(DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<ResponseGroup> Incidents, IReadOnlyList<ResponseGroup> Drills, UpdateCadence Updates);

/// <summary>Mean time to acknowledge, mitigate and resolve (seconds) for one service and severity.</summary>
public sealed record ResponseGroup(string Service, Severity Severity, int Count, double? MttaSeconds, double? MttmSeconds, double? MttrSeconds);

/// <summary>Status updates posted and missed across real incidents.</summary>
public sealed record UpdateCadence(int UpdatesPosted, int UpdatesMissed, int IncidentsWithMissedUpdates, int Incidents);
