using IncidentBot.Alerts;

namespace IncidentBot.Incidents;

/// <summary>
/// The alerts of one batch that joined, fired again or resolved in incidents that were already open, gathered so each
/// incident gets one message about them (<see cref="IncidentMessages.AlertStorm"/>) instead of one per alert.
/// </summary>
internal sealed class AlertStormDigest
{
    // Per incident, its alerts by id in the order first seen; an alert that changes twice in the batch counts once, as it ends.
    private readonly Dictionary<int, (Incident Incident, Dictionary<string, IncidentAlert> Alerts)> _byIncident = [];

    public void Add(Incident incident, IncidentAlert alert)
    {
        if (!_byIncident.TryGetValue(incident.Number, out var entry))
        {
            entry = (incident, []);
            _byIncident[incident.Number] = entry;
        }
        entry.Alerts[alert.Id] = alert;
    }

    /// <summary>
    /// Posts each incident's summary. Resolutions alone are not posted once nothing fires any more: the message that
    /// every alert has resolved (or the incident's resolution) says it.
    /// </summary>
    public void Post(IncidentTransaction tx, AlertDetailOptions options)
    {
        foreach (var (incident, alerts) in _byIncident.Values)
        {
            var firing = alerts.Values.Where(a => a.Status == AlertStatus.Firing).ToList();
            var resolved = alerts.Values.Where(a => a.Status == AlertStatus.Resolved).ToList();
            if (firing.Count == 0 && (incident.FiringAlertCount == 0 || !incident.Status.IsOpen()))
            {
                continue;
            }
            tx.Post(incident, IncidentMessages.AlertStorm(incident, firing, resolved, options));
        }
    }
}
