namespace IncidentBot.Storage;

/// <summary>Whether the store can be read and written right now.</summary>
public interface IStorageHealth
{
    /// <summary>Writes and reads a tiny record; false with the reason when that fails.</summary>
    bool Probe(out string? problem);
}
