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
/// console's alert list meanwhile, and a restart forgets only their summary.
/// </summary>
public sealed class AlertStormSummaries(IOptions<AlertDetailOptions> options)
{
    /// <summary>At most this many alerts are kept per incident to describe a summary; beyond it only counts are kept.</summary>
    public const int MaxKept = 2000;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Waiting> _waiting = [];

    private sealed class Waiting
    {
        public Dictionary<string, IncidentAlert> Alerts { get; } = [];

        public int MoreFiring { get; set; }

        public int MoreResolved { get; set; }

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
                var all = new Dictionary<string, IncidentAlert>(waiting?.Alerts ?? []);
                foreach (var alert in alerts)
                {
                    all[alert.Id] = alert;
                }
                if (Summary(incident, all.Values, waiting?.MoreFiring ?? 0, waiting?.MoreResolved ?? 0) is { } message)
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
                var waiting = _waiting.TryGetValue(incident.Number, out var known) ? known : _waiting[incident.Number] = new Waiting();
                if (batch.Posted.Contains(incident.Number))
                {
                    waiting.Alerts.Clear();
                    (waiting.MoreFiring, waiting.MoreResolved, waiting.LastPostedAt) = (0, 0, now);
                    continue;
                }
                foreach (var alert in alerts)
                {
                    if (waiting.Alerts.Count < MaxKept || waiting.Alerts.ContainsKey(alert.Id))
                    {
                        waiting.Alerts[alert.Id] = alert;
                    }
                    else if (alert.Status == AlertStatus.Firing)
                    {
                        waiting.MoreFiring++;
                    }
                    else
                    {
                        waiting.MoreResolved++;
                    }
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
            foreach (var number in _waiting.Where(w => w.Value.Alerts.Count == 0 && IsOver(w.Value, now)).Select(w => w.Key).ToList())
            {
                _waiting.Remove(number);
            }
            return _waiting.Where(w => w.Value.Alerts.Count > 0 && IsOver(w.Value, now)).Select(w => w.Key).ToList();
        }
    }

    /// <summary>Inside a transaction: posts the incident's waiting alerts; returns whether there were any.</summary>
    internal bool PostWaiting(IncidentTransaction tx, Incident incident)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(incident.Number, out var waiting) || waiting.Alerts.Count == 0)
            {
                return false;
            }
            if (Summary(incident, waiting.Alerts.Values, waiting.MoreFiring, waiting.MoreResolved) is { } message)
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
                waiting.Alerts.Clear();
                (waiting.MoreFiring, waiting.MoreResolved, waiting.LastPostedAt) = (0, 0, now);
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
    private ChatMessage? Summary(Incident incident, IEnumerable<IncidentAlert> alerts, int moreFiring, int moreResolved)
    {
        var list = alerts.ToList();
        var firing = list.Where(a => a.Status == AlertStatus.Firing).ToList();
        var resolved = list.Where(a => a.Status == AlertStatus.Resolved).ToList();
        if (firing.Count + moreFiring == 0 && (incident.FiringAlertCount == 0 || !incident.Status.IsOpen()))
        {
            return null;
        }
        return IncidentMessages.AlertStorm(incident, firing, resolved, options.Value, firing.Count + moreFiring, resolved.Count + moreResolved);
    }
}
