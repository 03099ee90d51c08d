namespace IncidentBot.Incidents;

/// <summary>Told after every commit which incidents changed, so live views (the web console) can refresh.</summary>
public interface IIncidentObserver
{
    /// <summary>Called after the change is stored; must return quickly and never throw.</summary>
    void IncidentsChanged(IReadOnlyCollection<int> numbers);
}
