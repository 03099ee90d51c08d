using IncidentBot.Alerts;

namespace IncidentBot.Incidents;

/// <summary>
/// The alerts of one batch that joined, fired again or resolved in incidents that were already open, gathered per
/// incident so the incident gets one summary of them (<see cref="AlertStormSummaries"/>) instead of one message per alert.
/// </summary>
internal sealed class AlertStormDigest
{
    // Per incident, its alerts by id in the order first seen; an alert that changes twice in the batch counts once, as it ends.
    private readonly Dictionary<int, (Incident Incident, Dictionary<string, IncidentAlert> Alerts)> _byIncident = [];

    /// <summary>The incidents whose summary this batch posted (so their waiting alerts were said).</summary>
    public HashSet<int> Posted { get; } = [];

    public IEnumerable<(Incident Incident, IReadOnlyCollection<IncidentAlert> Alerts)> Incidents =>
        _byIncident.Values.Select(e => (e.Incident, (IReadOnlyCollection<IncidentAlert>)e.Alerts.Values));

    public void Add(Incident incident, IncidentAlert alert)
    {
        if (!_byIncident.TryGetValue(incident.Number, out var entry))
        {
            entry = (incident, []);
            _byIncident[incident.Number] = entry;
        }
        entry.Alerts[alert.Id] = alert;
    }
}
