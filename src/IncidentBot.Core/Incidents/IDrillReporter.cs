namespace IncidentBot.Incidents;

/// <summary>Writes a drill's report in the same transaction that resolves the drill's incident.</summary>
public interface IDrillReporter
{
    ValueTask DrillResolvedAsync(IncidentTransaction tx, Incident incident);
}
