namespace IncidentBot.Storage;

/// <summary>
/// A commit was refused because another writer committed one of its incidents first (or already stored an incident
/// it meant to open). Nothing of the commit was stored; running the operation again on fresh reads is safe.
/// </summary>
public sealed class IncidentConflictException(int incidentNumber)
    : Exception($"INC-{incidentNumber} was changed by another writer after this operation read it; nothing was stored.")
{
    public int IncidentNumber { get; } = incidentNumber;
}
