namespace IncidentBot.Storage.LiteDb;

public sealed partial class LiteDbStorage : IStorageBackup
{
    string IStorageBackup.Location => System.IO.Path.GetFullPath(Path);

    /// <summary>
    /// Every write runs under <c>_write</c>, and LiteDB writes the data file only while checkpointing. So under that
    /// lock a checkpoint moves every committed transaction into the data file and nothing changes it until the lock is
    /// released: a plain file copy taken then is a consistent snapshot. Writers wait only for a local file copy; the
    /// slow part, sending it to whoever asked, happens after the lock is released.
    /// </summary>
    public Stream OpenBackup()
    {
        var copy = $"{System.IO.Path.GetFullPath(Path)}.backup-{Guid.NewGuid():N}.tmp";
        try
        {
            lock (_write)
            {
                ReopenIfNeeded();
                LiteDbDataFile.CheckpointAndCopy(_db, Path, copy);
            }
            return new FileStream(copy, FileMode.Open, FileAccess.Read, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        }
        catch
        {
            File.Delete(copy);
            throw;
        }
    }
}
