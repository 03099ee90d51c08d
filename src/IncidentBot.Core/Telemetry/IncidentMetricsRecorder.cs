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
public sealed class IncidentMetricsRecorder(IIncidentStore store, BotMetrics metrics, TimeProvider time, ILogger<IncidentMetricsRecorder> logger)
    : IncidentChangeWorker(logger, "record the metrics")
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Dictionary<int, Recorded> _recorded = [];

    protected override async Task HandleAsync(int number, CancellationToken stoppingToken)
    {
        if (await store.FindAsync(number, stoppingToken) is { IsDrill: false } incident)
        {
            Record(incident);
        }
    }

    private void Record(Incident incident)
    {
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
