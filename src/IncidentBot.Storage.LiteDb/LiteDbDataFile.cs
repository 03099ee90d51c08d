using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// A LiteDB data file handled as a file, without running the bot: copied while the bot is stopped, or inspected
/// before a restore. Neither migrates the file; that stays the bot's job when it opens it, so a backup taken with a
/// newer IncidentBot still holds the old schema and can be restored under the old one.
/// </summary>
public static class LiteDbDataFile
{
    private const int PageSize = 8192;

    /// <summary>Copies a data file no process has open, including transactions still in its log after a crash.</summary>
    public static void CopyStopped(string dataFile, string destination)
    {
        // LiteDB would create a missing file, and an empty backup looks like a good one.
        if (!File.Exists(dataFile))
        {
            throw new FileNotFoundException($"There is no data file at {dataFile}.", dataFile);
        }
        using var db = new LiteDatabase(new ConnectionString { Filename = dataFile, Connection = ConnectionType.Direct });
        CheckpointAndCopy(db, dataFile, destination);
    }

    /// <summary>
    /// Opens a copy read-only and counts what it holds; throws <see cref="InvalidDataException"/> naming
    /// <paramref name="shownAs"/> (the file the operator knows) when it is not a readable LiteDB file.
    /// </summary>
    public static StoredDataSummary Inspect(string file, string shownAs)
    {
        // LiteDB takes a file shorter than a page for a new, empty database, and a read-only open then fails oddly.
        var length = new FileInfo(file).Length;
        if (length < PageSize || length % PageSize != 0)
        {
            throw new InvalidDataException($"{shownAs} is not a readable IncidentBot data file: a LiteDB file is a whole number of {PageSize / 1024} KiB pages.");
        }
        try
        {
            using var db = new LiteDatabase(new ConnectionString { Filename = file, Connection = ConnectionType.Direct, ReadOnly = true });
            return new StoredDataSummary(
                db.UserVersion,
                db.GetCollection("incidents").LongCount(),
                db.GetCollection("alerts").LongCount(),
                db.GetCollection("timeline").LongCount(),
                db.GetCollection("inbox").LongCount(),
                db.GetCollection("outbox").LongCount());
        }
        catch (Exception ex) when (ex is LiteException or NotSupportedException or InvalidCastException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{shownAs} is not a readable IncidentBot data file: {ex.Message}", ex);
        }
    }

    /// <summary>The schema version this IncidentBot writes; older files are migrated forward when the bot opens them.</summary>
    public static int CurrentSchemaVersion => LiteDbSchema.Current;

    /// <summary>The caller makes sure nothing writes meanwhile; the checkpoint leaves the whole database in the data file.</summary>
    internal static void CheckpointAndCopy(LiteDatabase db, string dataFile, string destination)
    {
        db.Checkpoint();
        File.Copy(dataFile, destination, overwrite: true);
    }
}
