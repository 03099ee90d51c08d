namespace IncidentBot.Storage;

/// <summary>Consistent copies of everything stored, taken while the bot keeps running.</summary>
public interface IStorageBackup
{
    /// <summary>Where the store keeps its data, so a caller can tell which bot's data it is copying.</summary>
    string Location { get; }

    /// <summary>
    /// A copy of the whole store as it was between two writes, as a stream in the store's own file format.
    /// The copy is a temporary file beside the store, deleted when the stream is closed.
    /// </summary>
    Stream OpenBackup();
}
