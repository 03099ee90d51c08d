namespace IncidentBot.Incidents;

/// <summary>Told after every commit which incidents changed, so live views (the web console) can refresh.</summary>
public interface IIncidentObserver
{
    /// <summary>
    /// Called after the change is stored, with the incidents as they were stored; must return quickly and never throw.
    /// The incidents are the operation's own objects: read what is needed at once and keep none of them.
    /// </summary>
    void IncidentsChanged(IReadOnlyCollection<Incident> changed);
}
