using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Telemetry;

/// <summary>
/// Feeds the response histograms (time to acknowledge, mitigate, resolve; runbook step durations) from stored
/// incidents as they change, so no use case has to remember to. Only what happened since this process started
/// is recorded: Prometheus counts from each process's start, and older history is in the API and the RCAs.
/// </summary>
/// <remarks>
/// It records from the incident as its commit stored it, at once and without reading the store: in an alert storm
/// every commit changes many incidents, and a read per change would cost more than the storm itself.
/// </remarks>
public sealed class IncidentMetricsRecorder(BotMetrics metrics, TimeProvider time, ILogger<IncidentMetricsRecorder> logger) : IIncidentObserver
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Dictionary<int, Recorded> _recorded = [];

    public void IncidentsChanged(IReadOnlyCollection<Incident> changed)
    {
        foreach (var incident in changed)
        {
            try
            {
                lock (_recorded)
                {
                    Record(incident);
                }
            }
            catch (Exception ex)
            {
                // A metric is never worth failing an incident's operation for.
                logger.LogError(ex, "Could not record the metrics of INC-{Incident}", incident.Number);
            }
        }
    }

    private void Record(Incident incident)
    {
        if (incident.IsDrill)
        {
            return;
        }
        if (incident.Status == IncidentStatus.Closed)
        {
            // Nothing more happens to a closed incident; its entry would only grow the dictionary.
            _recorded.Remove(incident.Number);
            return;
        }
        if (!_recorded.TryGetValue(incident.Number, out var recorded))
        {
            _recorded[incident.Number] = recorded = new Recorded();
        }
        var service = incident.Service ?? "unknown";
        var severity = incident.Severity.Display();
        if (!recorded.Acknowledged && IsNew(incident.AcknowledgedAt) is { } acknowledged)
        {
            metrics.Acknowledged(service, severity, acknowledged - incident.CreatedAt);
            recorded.Acknowledged = true;
        }
        if (!recorded.Mitigated && IsNew(incident.MitigatedAt) is { } mitigated)
        {
            metrics.Mitigated(service, severity, mitigated - incident.CreatedAt);
            recorded.Mitigated = true;
        }
        if (!recorded.Resolved && IsNew(incident.ResolvedAt) is { } resolved)
        {
            metrics.Resolved(service, severity, resolved - incident.CreatedAt);
            recorded.Resolved = true;
        }
        for (var s = 0; s < incident.RunbookSessions.Count; s++)
        {
            var session = incident.RunbookSessions[s];
            for (var i = 0; i < session.Steps.Count; i++)
            {
                var step = session.Steps[i];
                if (step is { StartedAt: { } start, CompletedAt: { } end } && end >= _started && recorded.Steps.Add((s, i)))
                {
                    metrics.StepFinished(session.RunbookId, step.State == StepState.Skipped, end - start);
                }
            }
        }
    }

    private DateTimeOffset? IsNew(DateTimeOffset? at) => at >= _started ? at : null;

    /// <summary>What was already recorded for one incident, so a later change never counts it twice.</summary>
    private sealed class Recorded
    {
        public bool Acknowledged { get; set; }

        public bool Mitigated { get; set; }

        public bool Resolved { get; set; }

        public HashSet<(int Session, int Step)> Steps { get; } = [];
    }
}
