using IncidentBot.Alerts;
using IncidentBot.Chat;
using Microsoft.Extensions.Options;

namespace IncidentBot.Incidents;

/// <summary>
/// Keeps a storm from flooding chat: an incident gets at most one summary of its later alerts per
/// <see cref="AlertDetailOptions.StormSummaryInterval"/>. The first batch after a quiet interval is summarised at once;
/// alerts arriving sooner wait here (in this process's memory) and are summarised together when the interval is up,
/// by the next batch or by <see cref="AlertStormFlusher"/>. Waiting alerts are noted only once their batch committed,
/// so a batch run again after a conflict is not counted twice; they are on the incident's timeline and in the
/// console's alert list meanwhile, and a restart forgets only their summary. What waits is an
/// <see cref="AlertStormTally"/> per incident (what the summary will say), never the alerts themselves.
/// </summary>
public sealed class AlertStormSummaries(IOptions<AlertDetailOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Waiting> _waiting = [];

    private sealed class Waiting(AlertDetailOptions options)
    {
        public AlertStormTally Alerts { get; set; } = new(options);

        public DateTimeOffset? LastPostedAt { get; set; }
    }

    /// <summary>
    /// Inside a batch's transaction: posts each incident's summary (its waiting alerts and this batch's) when its
    /// interval is up, and notes which it posted in <paramref name="batch"/>.
    /// </summary>
    internal void PostDue(IncidentTransaction tx, AlertStormDigest batch)
    {
        foreach (var (incident, alerts) in batch.Incidents)
        {
            lock (_lock)
            {
                var waiting = _waiting.GetValueOrDefault(incident.Number);
                if (waiting?.LastPostedAt is { } last && tx.Now - last < options.Value.StormSummaryInterval)
                {
                    continue;
                }
                // The waiting alerts stay as they are until this batch commits.
                var all = waiting?.Alerts.Copy() ?? new AlertStormTally(options.Value);
                foreach (var alert in alerts)
                {
                    all.Add(alert);
                }
                if (Summary(incident, all) is { } message)
                {
                    tx.Post(incident, message);
                }
                batch.Posted.Add(incident.Number);
            }
        }
    }

    /// <summary>After the batch committed: its alerts wait for the next summary, unless theirs was posted.</summary>
    internal void Committed(AlertStormDigest batch, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var (incident, alerts) in batch.Incidents)
            {
                var waiting = _waiting.TryGetValue(incident.Number, out var known) ? known : _waiting[incident.Number] = new Waiting(options.Value);
                if (batch.Posted.Contains(incident.Number))
                {
                    (waiting.Alerts, waiting.LastPostedAt) = (new AlertStormTally(options.Value), now);
                    continue;
                }
                foreach (var alert in alerts)
                {
                    waiting.Alerts.Add(alert);
                }
            }
        }
    }

    /// <summary>Incidents whose waiting alerts are due for their summary at <paramref name="now"/>.</summary>
    public IReadOnlyList<int> Due(DateTimeOffset now)
    {
        lock (_lock)
        {
            // Incidents with nothing waiting are forgotten once their interval is over: the next batch posts at once.
            foreach (var number in _waiting.Where(w => w.Value.Alerts.IsEmpty && IsOver(w.Value, now)).Select(w => w.Key).ToList())
            {
                _waiting.Remove(number);
            }
            return _waiting.Where(w => !w.Value.Alerts.IsEmpty && IsOver(w.Value, now)).Select(w => w.Key).ToList();
        }
    }

    /// <summary>Inside a transaction: posts the incident's waiting alerts; returns whether there were any.</summary>
    internal bool PostWaiting(IncidentTransaction tx, Incident incident)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(incident.Number, out var waiting) || waiting.Alerts.IsEmpty)
            {
                return false;
            }
            if (Summary(incident, waiting.Alerts) is { } message)
            {
                tx.Post(incident, message);
            }
            return true;
        }
    }

    /// <summary>After <see cref="PostWaiting"/> committed: what waited was said.</summary>
    internal void Flushed(int number, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_waiting.TryGetValue(number, out var waiting))
            {
                (waiting.Alerts, waiting.LastPostedAt) = (new AlertStormTally(options.Value), now);
            }
        }
    }

    /// <summary>Forgets an incident's waiting alerts (it is gone or closed).</summary>
    internal void Forget(int number)
    {
        lock (_lock)
        {
            _waiting.Remove(number);
        }
    }

    private bool IsOver(Waiting waiting, DateTimeOffset now) =>
        waiting.LastPostedAt is not { } last || now - last >= options.Value.StormSummaryInterval;

    /// <summary>
    /// The summary, or none: resolutions alone are not posted once nothing fires any more, since the message that every
    /// alert has resolved (or the incident's resolution) says it.
    /// </summary>
    private ChatMessage? Summary(Incident incident, AlertStormTally alerts)
    {
        if (alerts.FiringCount == 0 && (incident.FiringAlertCount == 0 || !incident.Status.IsOpen()))
        {
            return null;
        }
        return IncidentMessages.AlertStorm(incident, alerts, options.Value);
    }
}
