using System.Diagnostics.Metrics;

namespace IncidentBot.Telemetry;

/// <summary>
/// The on-call directory's instruments, on the bot's meter: lookups by which step of the chain answered, source
/// failures by reason, and answers served from the cache. A rising failure count for one source shows an expired
/// key or an outage before anyone wonders why the reporter became commander.
/// </summary>
public sealed class OnCallMetrics
{
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _cacheHits;

    public OnCallMetrics(BotMetrics metrics)
    {
        _lookups = metrics.Meter.CreateCounter<long>("incidentbot.oncall.lookups", "{lookup}", "Who-is-on-call lookups, by the step that answered (a source's name, fallback, reporter, none) and whether the answer was a remembered one given because the source failed (stale).");
        _failures = metrics.Meter.CreateCounter<long>("incidentbot.oncall.source.failures", "{failure}", "On-call sources that could not answer, by source and reason (timeout, rate_limited, refused, unavailable, invalid, empty, not_configured).");
        _cacheHits = metrics.Meter.CreateCounter<long>("incidentbot.oncall.cache.hits", "{answer}", "On-call answers given from the cache without asking the source, by source.");
    }

    public void Lookup(string answeredBy, bool stale) => _lookups.Add(1, Tag("answered_by", answeredBy), Tag("stale", stale ? "true" : "false"));

    public void SourceFailed(string source, string reason) => _failures.Add(1, Tag("source", source), Tag("reason", reason));

    public void CacheHit(string source) => _cacheHits.Add(1, Tag("source", source));

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
