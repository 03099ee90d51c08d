using System.Diagnostics.Metrics;

namespace IncidentBot.Telemetry;

/// <summary>
/// The bot's own instruments, on the <c>IncidentBot</c> meter. Prometheus sees them through OpenTelemetry at
/// <c>/metrics</c> with dots turned into underscores and the unit appended (<c>incidentbot_webhook_duration_seconds</c>).
/// </summary>
public sealed class BotMetrics
{
    public const string MeterName = "IncidentBot";

    // Bucket bounds chosen for what a person asks of each figure: intake is milliseconds, a runbook step is
    // minutes, an incident is minutes to a day.
    private static readonly double[] IntakeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private static readonly double[] StepBuckets = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];
    private static readonly double[] ResponseBuckets = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

    private readonly Counter<long> _webhookRequests;
    private readonly Counter<long> _alertsAccepted;
    private readonly Histogram<double> _webhookDuration;
    private readonly Counter<long> _chatApiCalls;
    private readonly Counter<long> _chatRateLimited;
    private readonly Counter<long> _drillsRun;
    private readonly Counter<long> _remindersFired;
    private readonly Counter<long> _alertsQueued;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _timeToAcknowledge;
    private readonly Histogram<double> _timeToMitigate;
    private readonly Histogram<double> _timeToResolve;
    private readonly Counter<long> _incidentConflicts;
    private readonly Counter<long> _outboxRedeliveries;

    public BotMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _webhookRequests = Meter.CreateCounter<long>("incidentbot.webhook.requests", "{request}", "Webhook requests by alert source and outcome (accepted, invalid, unauthenticated, too_large, unavailable, …).");
        _alertsAccepted = Meter.CreateCounter<long>("incidentbot.alerts.accepted", "{alert}", "Alerts accepted and stored (attached to their incident, or kept in the inbox), by source.");
        _alertsQueued = Meter.CreateCounter<long>("incidentbot.alerts.queued", "{alert}", "Accepted alerts kept in the inbox for the processor instead of being correlated on arrival, by reason (paused, behind_older, correlation_failed).");
        _webhookDuration = Meter.CreateHistogram<double>("incidentbot.webhook.duration", "s", "Time from a webhook request's arrival to its answer, by source.", advice: new() { HistogramBucketBoundaries = IntakeBuckets });
        _chatApiCalls = Meter.CreateCounter<long>("incidentbot.chat.api.calls", "{call}", "Calls to Slack, Teams and Graph by platform, API method and HTTP status.");
        _chatRateLimited = Meter.CreateCounter<long>("incidentbot.chat.api.rate_limited", "{call}", "Chat API calls answered 429 (rate limited), by platform and method.");
        _drillsRun = Meter.CreateCounter<long>("incidentbot.drills.run", "{drill}", "Drills started, by trigger (schedule or command).");
        _remindersFired = Meter.CreateCounter<long>("incidentbot.reminders.fired", "{reminder}", "Status-update reminders that came due.");
        _stepDuration = Meter.CreateHistogram<double>("incidentbot.runbook.step.duration", "s", "How long runbook steps took, by runbook and outcome (done, skipped).", advice: new() { HistogramBucketBoundaries = StepBuckets });
        _timeToAcknowledge = ResponseHistogram("acknowledge");
        _timeToMitigate = ResponseHistogram("mitigate");
        _timeToResolve = ResponseHistogram("resolve");
        _incidentConflicts = Meter.CreateCounter<long>("incidentbot.incident.conflicts", "{conflict}", "Operations that met another writer's change of the same incident, by outcome (retried: ran again after a pause; given_up: out of attempts, the caller was told).");
        _outboxRedeliveries = Meter.CreateCounter<long>("incidentbot.outbox.redeliveries", "{message}", "Chat messages claimed from a holder whose claim ran out before it recorded an outcome (a replica died or stalled mid-send): the message may reach the chat twice, by platform.");
    }

    /// <summary>The meter, for gauges that read their value when scraped.</summary>
    public Meter Meter { get; }

    public void WebhookAnswered(string source, string outcome, TimeSpan elapsed)
    {
        _webhookRequests.Add(1, Tag("source", source), Tag("outcome", outcome));
        _webhookDuration.Record(elapsed.TotalSeconds, Tag("source", source));
    }

    public void AlertsAccepted(string source, int count) => _alertsAccepted.Add(count, Tag("source", source));

    public void AlertsQueued(string reason, int count) => _alertsQueued.Add(count, Tag("reason", reason));

    public void ChatApiCalled(string platform, string method, int status)
    {
        _chatApiCalls.Add(1, Tag("platform", platform), Tag("method", method), Tag("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (status == 429)
        {
            _chatRateLimited.Add(1, Tag("platform", platform), Tag("method", method));
        }
    }

    public void DrillStarted(bool scheduled) => _drillsRun.Add(1, Tag("trigger", scheduled ? "schedule" : "command"));

    public void ReminderFired() => _remindersFired.Add(1);

    public void StepFinished(string runbookId, bool skipped, TimeSpan duration) =>
        _stepDuration.Record(duration.TotalSeconds, Tag("runbook", runbookId), Tag("outcome", skipped ? "skipped" : "done"));

    public void Acknowledged(string service, string severity, TimeSpan sinceOpened) => _timeToAcknowledge.Record(sinceOpened.TotalSeconds, Tag("service", service), Tag("severity", severity));

    public void Mitigated(string service, string severity, TimeSpan sinceOpened) => _timeToMitigate.Record(sinceOpened.TotalSeconds, Tag("service", service), Tag("severity", severity));

    public void Resolved(string service, string severity, TimeSpan sinceOpened) => _timeToResolve.Record(sinceOpened.TotalSeconds, Tag("service", service), Tag("severity", severity));

    /// <summary>An incident operation met a concurrent change; <paramref name="gaveUp"/> when it ran out of attempts.</summary>
    public void IncidentConflict(bool gaveUp) => _incidentConflicts.Add(1, Tag("outcome", gaveUp ? "given_up" : "retried"));

    public void OutboxRedelivery(string platform) => _outboxRedeliveries.Add(1, Tag("platform", platform));

    private Histogram<double> ResponseHistogram(string what) =>
        Meter.CreateHistogram<double>($"incidentbot.incident.time_to_{what}", "s", $"Seconds from an incident opening to its being {what}d, by service and severity; drills are left out.", advice: new() { HistogramBucketBoundaries = ResponseBuckets });

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
