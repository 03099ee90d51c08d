using IncidentBot.Alerts;

namespace IncidentBot.Incidents;

/// <summary>
/// What a storm summary (<see cref="IncidentMessages.AlertStorm(Incident, AlertStormTally, AlertDetailOptions)"/>)
/// says about the alerts it covers, gathered as they arrive rather than by keeping them: each alert's status and start
/// time, the distinct values of every label, and the first alerts to list (only their title and shown labels). An
/// alert seen again (it resolved meanwhile) replaces what was known of it. At most <see cref="MaxAlerts"/> alerts are
/// told apart; beyond that only their number is kept.
/// </summary>
/// <remarks>
/// A storm of thousands of alerts waits here for up to <see cref="AlertDetailOptions.StormSummaryInterval"/>: kept
/// whole (raw payload, annotations, every label), the waiting alerts of the benchmark's storm held hundreds of
/// megabytes; this keeps a few strings per alert.
/// </remarks>
public sealed class AlertStormTally(AlertDetailOptions options)
{
    /// <summary>At most this many alerts are told apart per summary; beyond it only counts are kept.</summary>
    public const int MaxAlerts = 2000;

    private readonly Dictionary<string, Seen> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _labelNames = [];
    private readonly Dictionary<string, LabelValues> _labels = new(StringComparer.Ordinal);
    private readonly List<IncidentAlert> _listedFiring = [];
    private readonly List<IncidentAlert> _listedResolved = [];

    private readonly record struct Seen(AlertStatus Status, DateTimeOffset Started);

    private sealed class LabelValues
    {
        /// <summary>The values in the order they were first seen.</summary>
        public List<string> Distinct { get; } = [];

        public HashSet<string> Known { get; } = new(StringComparer.Ordinal);

        /// <summary>How many of the alerts told apart carry the label.</summary>
        public int Carried { get; set; }
    }

    /// <summary>Alerts beyond <see cref="MaxAlerts"/> that were firing when they came.</summary>
    public int MoreFiring { get; private set; }

    /// <summary>Alerts beyond <see cref="MaxAlerts"/> that were resolved when they came.</summary>
    public int MoreResolved { get; private set; }

    /// <summary>Whether nothing was added.</summary>
    public bool IsEmpty => _seen.Count == 0 && MoreFiring == 0 && MoreResolved == 0;

    /// <summary>The alerts told apart.</summary>
    public int Count => _seen.Count;

    public int FiringCount => _seen.Values.Count(s => s.Status == AlertStatus.Firing) + MoreFiring;

    public int ResolvedCount => _seen.Values.Count(s => s.Status == AlertStatus.Resolved) + MoreResolved;

    /// <summary>When the earliest and the latest of the firing alerts started; null when none fires.</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? FiringSpan
    {
        get
        {
            var started = _seen.Values.Where(s => s.Status == AlertStatus.Firing).Select(s => s.Started).ToList();
            return started.Count == 0 ? null : (started.Min(), started.Max());
        }
    }

    /// <summary>The alerts to list, firing first, at most <see cref="AlertDetailOptions.MaxListedAlerts"/>.</summary>
    public IReadOnlyList<IncidentAlert> Listed => _listedFiring.Concat(_listedResolved).Take(options.MaxListedAlerts).ToList();

    /// <summary>Every label name seen, in the order first seen.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>The distinct values of <paramref name="name"/>, in the order first seen, and whether some alert lacks it.</summary>
    public (IReadOnlyList<string> Values, bool MissingOnSome) ValuesOf(string name) =>
        _labels.TryGetValue(name, out var values) ? (values.Distinct, values.Carried < _seen.Count) : ([], _seen.Count > 0);

    public void Add(IncidentAlert alert)
    {
        var started = alert.StartsAt ?? alert.FirstSeenAt;
        if (_seen.TryGetValue(alert.Id, out var before))
        {
            _seen[alert.Id] = new Seen(alert.Status, started);
            if (before.Status != alert.Status)
            {
                Relist(alert);
            }
            return;
        }
        if (_seen.Count >= MaxAlerts)
        {
            if (alert.Status == AlertStatus.Firing)
            {
                MoreFiring++;
            }
            else
            {
                MoreResolved++;
            }
            return;
        }
        _seen[alert.Id] = new Seen(alert.Status, started);
        foreach (var (name, value) in alert.Labels)
        {
            if (!_labels.TryGetValue(name, out var values))
            {
                _labels[name] = values = new LabelValues();
                _labelNames.Add(name);
            }
            values.Carried++;
            if (values.Known.Add(value))
            {
                values.Distinct.Add(value);
            }
        }
        var list = alert.Status == AlertStatus.Firing ? _listedFiring : _listedResolved;
        if (list.Count < options.MaxListedAlerts)
        {
            list.Add(Listable(alert));
        }
    }

    /// <summary>A copy that shares nothing this tally changes: the summary is built from it while the tally goes on.</summary>
    public AlertStormTally Copy()
    {
        var copy = new AlertStormTally(options) { MoreFiring = MoreFiring, MoreResolved = MoreResolved };
        foreach (var (id, seen) in _seen)
        {
            copy._seen[id] = seen;
        }
        copy._labelNames.AddRange(_labelNames);
        foreach (var (name, values) in _labels)
        {
            var copied = new LabelValues { Carried = values.Carried };
            copied.Distinct.AddRange(values.Distinct);
            copied.Known.UnionWith(values.Known);
            copy._labels[name] = copied;
        }
        copy._listedFiring.AddRange(_listedFiring);
        copy._listedResolved.AddRange(_listedResolved);
        return copy;
    }

    /// <summary>A listed alert whose status changed moves to the end of its new list, when that has room.</summary>
    private void Relist(IncidentAlert alert)
    {
        _listedFiring.RemoveAll(a => a.Id == alert.Id);
        _listedResolved.RemoveAll(a => a.Id == alert.Id);
        var list = alert.Status == AlertStatus.Firing ? _listedFiring : _listedResolved;
        if (list.Count < options.MaxListedAlerts)
        {
            list.Add(Listable(alert));
        }
    }

    /// <summary>What a listed alert needs: its status, title and shown labels; never its payload or annotations.</summary>
    private IncidentAlert Listable(IncidentAlert alert) => new()
    {
        Id = alert.Id,
        IncidentNumber = alert.IncidentNumber,
        Source = alert.Source,
        Status = alert.Status,
        Title = alert.Title,
        Labels = options.ShownLabels.Where(alert.Labels.ContainsKey).ToDictionary(name => name, name => alert.Labels[name], StringComparer.Ordinal),
        StartsAt = alert.StartsAt,
        FirstSeenAt = alert.FirstSeenAt,
    };
}
