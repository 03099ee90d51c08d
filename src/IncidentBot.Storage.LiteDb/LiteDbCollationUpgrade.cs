using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Moves a data file created with LiteDB's default, case-insensitive collation to the ordinal one of schema 2,
/// before the store uses it. LiteDB fixes a file's collation when it creates the file, and its own
/// <c>Rebuild</c> fails on 5.0.19–5.0.21 as soon as a collection with a secondary index holds more than 2,550
/// documents ("Detected loop in FindAll", litedb-org/LiteDB#2827). So every document is copied into a new file
/// (indexes first, then documents, counts checked), the old file is kept beside it as <c>&lt;name&gt;-backup.db</c>,
/// and the new one takes its place with one rename: a crash at any point leaves either the old file or the new one.
/// </summary>
internal static class LiteDbCollationUpgrade
{
    private const int BatchSize = 1_000;

    /// <summary>Whether an open file still has the old collation (a newer file is left for the schema check to refuse).</summary>
    public static bool IsNeeded(LiteDatabase db) =>
        db.Collation.SortOptions != LiteDbSchema.Collation.SortOptions && db.UserVersion <= LiteDbSchema.Current;

    /// <summary>Copies the file into one with the schema's collation and puts it in its place; the file must be closed.</summary>
    public static void Run(string path, ILogger logger)
    {
        var copyPath = Sibling(path, "-collation");
        using (var old = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        {
            logger.LogWarning("Rebuilding the data file {Path} so its keys compare case-sensitively (schema 2); this runs once", path);
            DeleteFileAndLog(copyPath);
            // A half-made copy is removed at once: a full disk is the likeliest reason, and it would keep it full.
            WithCleanUp(() => Copy(old, copyPath), copyPath);
            // Folds the old file's log into it, so the backup below is the whole of it.
            old.Checkpoint();
        }
        if (File.Exists(LogOf(path)))
        {
            DeleteFileAndLog(copyPath);
            throw new IOException($"{LogOf(path)} is still there after closing {path}; not replacing the data file. Nothing was changed.");
        }
        var backup = FreeName(Sibling(path, "-backup"));
        WithCleanUp(() => File.Copy(path, backup), copyPath, backup);
        File.Move(copyPath, path, overwrite: true);
        logger.LogWarning("Rebuilt {Path}; the file as it was is kept as {Backup}. Delete it once the bot runs well", path, backup);
    }

    private static void Copy(LiteDatabase old, string copyPath)
    {
        using var copy = new LiteDatabase(new ConnectionString { Filename = copyPath, Connection = ConnectionType.Direct, Collation = LiteDbSchema.Collation });
        // Indexes before documents: each insert then adds its own index nodes, and no index is built by scanning.
        foreach (var index in old.GetCollection("$indexes").FindAll().Where(i => i["name"].AsString != "_id"))
        {
            copy.GetCollection(index["collection"].AsString).EnsureIndex(index["name"].AsString, index["expression"].AsString, index["unique"].AsBoolean);
        }
        foreach (var name in old.GetCollectionNames())
        {
            var target = copy.GetCollection(name);
            foreach (var batch in old.GetCollection(name).FindAll().Chunk(BatchSize))
            {
                target.InsertBulk(batch);
            }
            var (before, after) = (old.GetCollection(name).LongCount(), target.LongCount());
            if (before != after)
            {
                throw new InvalidDataException($"Copying collection {name} gave {after} documents instead of {before}; the data file was not changed.");
            }
        }
        copy.UserVersion = old.UserVersion;
        copy.Checkpoint();
    }

    private static string Sibling(string path, string suffix) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + suffix + Path.GetExtension(path));

    // LiteDB keeps a file's log beside it as <name>-log<ext> until a checkpoint empties it.
    private static string LogOf(string path) => Sibling(path, "-log");

    private static string FreeName(string path) =>
        File.Exists(path) ? Sibling(path, $"-{DateTime.UtcNow:yyyyMMddHHmmss}") : path;

    private static void WithCleanUp(Action step, params string[] partialFiles)
    {
        try
        {
            step();
        }
        catch
        {
            foreach (var file in partialFiles)
            {
                DeleteFileAndLog(file);
            }
            throw;
        }
    }

    /// <summary>A copy left by an upgrade that stopped half way is only ever a partial copy.</summary>
    private static void DeleteFileAndLog(string path)
    {
        File.Delete(path);
        File.Delete(LogOf(path));
    }
}
