namespace IncidentBot.Storage;

/// <summary>Consistent copies of everything stored, taken while the bot keeps running.</summary>
public interface IStorageBackup
{
    /// <summary>Where the store keeps its data, so a caller can tell which bot's data it is copying.</summary>
    string Location { get; }

    /// <summary>
    /// A copy of the whole store as it was between two writes (no commit half in it), as a stream in the store's
    /// own format. Whatever the copy occupies is released when the stream is disposed.
    /// </summary>
    ValueTask<Stream> OpenBackupAsync(CancellationToken cancellationToken = default);
}
