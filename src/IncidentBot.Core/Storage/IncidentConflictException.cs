namespace IncidentBot.Storage;

/// <summary>
/// A commit was refused because another writer got there first: it committed one of the operation's incidents since
/// the operation read it, or opened an incident the operation was about to open too (the same number, or the same
/// alert group while that one is open). Nothing of the commit was stored; running the operation again on fresh reads
/// is safe.
/// </summary>
public sealed class IncidentConflictException(int incidentNumber, string? reason = null)
    : Exception($"INC-{incidentNumber} {reason ?? "was changed by another writer after this operation read it"}; nothing was stored.")
{
    public int IncidentNumber { get; } = incidentNumber;
}
