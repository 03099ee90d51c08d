namespace IncidentBot.Storage;

/// <summary>Whether the store can be read and written right now.</summary>
public interface IStorageHealth
{
    /// <summary>Writes and reads back a tiny record; the reason when that fails, null when the store is healthy.</summary>
    ValueTask<string?> ProbeAsync(CancellationToken cancellationToken = default);
}
