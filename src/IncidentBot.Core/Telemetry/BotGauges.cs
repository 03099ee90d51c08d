using System.Diagnostics.Metrics;
using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.Telemetry;

/// <summary>
/// Gauges read from storage when Prometheus scrapes: work waiting in the inbox and the outbox, and open
/// incidents by severity. Reading at scrape time keeps the figures true after a restart. .NET's observable
/// instruments are read synchronously, so each callback waits for its store read; that happens only on a scrape,
/// never on a request or a background loop.
/// </summary>
public sealed class BotGauges
{
    public BotGauges(BotMetrics metrics, IAlertInboxStore inbox, IOutboxStore outbox, IIncidentStore incidents)
    {
        metrics.Meter.CreateObservableGauge("incidentbot.inbox.pending", () => Wait(inbox.PendingCountAsync()), "{alert}", "Alerts stored but not yet attached to an incident.");
        metrics.Meter.CreateObservableGauge("incidentbot.outbox.pending", () => Wait(outbox.PendingCountAsync()), "{message}", "Chat messages waiting to be delivered.");
        metrics.Meter.CreateObservableGauge("incidentbot.incidents.open", () => OpenBySeverity(incidents), "{incident}", "Open incidents (drills included, marked), by severity.");
    }

    private static IEnumerable<Measurement<int>> OpenBySeverity(IIncidentStore incidents)
    {
        var open = Wait(incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue)));
        foreach (var severity in Enum.GetValues<Severity>())
        {
            foreach (var drill in new[] { false, true })
            {
                var count = open.Count(i => i.Severity == severity && i.IsDrill == drill);
                yield return new Measurement<int>(count, new("severity", severity.Display()), new("drill", drill ? "true" : "false"));
            }
        }
    }

    private static T Wait<T>(ValueTask<T> read) => read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
}
