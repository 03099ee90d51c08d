namespace IncidentBot.Incidents;

/// <summary>Writes a drill's report in the same transaction that resolves the drill's incident.</summary>
public interface IDrillReporter
{
    void DrillResolved(IncidentTransaction tx, Incident incident);
}
