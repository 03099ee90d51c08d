using System.Globalization;
using IncidentBot.Hosting;
using IncidentBot.Storage.LiteDb;

namespace IncidentBot.Backups;

/// <summary>
/// <c>restore &lt;file&gt;</c>: puts a backup in place of the data file, only while no bot has that file open.
/// The backup is copied beside the data file and checked there first; the data file is then replaced by one rename,
/// so at every moment it is either the old file or the whole backup. The replaced file is kept beside it.
/// </summary>
internal static class RestoreCommand
{
    public const string Usage = "Usage: restore <file>   (replaces the data file with a backup; stop the bot first)";

    public static int Run(ToolConfiguration configuration, string file, TextWriter output, TextWriter errors)
    {
        if (PostgresBackupAdvice.UsesPostgres(configuration.Values))
        {
            errors.WriteLine(PostgresBackupAdvice.Restore(configuration.Values));
            return 1;
        }
        var backup = Path.GetFullPath(file);
        var dataFile = configuration.DataFile;
        if (!File.Exists(backup))
        {
            errors.WriteLine($"There is no backup at {backup}.");
            return 1;
        }
        if (backup == dataFile)
        {
            errors.WriteLine($"{backup} is the data file itself; name a backup.");
            return 2;
        }
        var incoming = $"{dataFile}.restore-{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dataFile)!);
            File.Copy(backup, incoming);
            var summary = LiteDbDataFile.Inspect(incoming, backup);
            if (summary.SchemaVersion > LiteDbDataFile.CurrentSchemaVersion)
            {
                errors.WriteLine($"{backup} has schema version {summary.SchemaVersion}, newer than this IncidentBot understands ({LiteDbDataFile.CurrentSchemaVersion}). Restore it with the IncidentBot version that wrote it.");
                return 1;
            }
            // Held until the new file is in place: a bot starting meanwhile cannot open the old file.
            using (var current = DataFileLock.Take(dataFile))
            {
                var kept = current is null ? null : KeepReplaced(dataFile, current);
                File.Move(incoming, dataFile, overwrite: true);
                output.WriteLine($"Restored {backup} to {dataFile}: {summary}.");
                if (kept is not null)
                {
                    output.WriteLine($"The file it replaced is kept as {kept}.");
                }
            }
            if (summary.SchemaVersion < LiteDbDataFile.CurrentSchemaVersion)
            {
                output.WriteLine($"The bot migrates it from schema version {summary.SchemaVersion} to {LiteDbDataFile.CurrentSchemaVersion} when it starts.");
            }
            return 0;
        }
        catch (DataFileInUseException)
        {
            errors.WriteLine($"Not restored: a running IncidentBot has {dataFile} open. Stop the bot first, then run restore again.");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.WriteLine($"Not restored: {ex.Message}");
            return 1;
        }
        finally
        {
            if (File.Exists(incoming))
            {
                File.Delete(incoming);
            }
        }
    }

    /// <summary>
    /// Copies the data file, and the log of transactions LiteDB had not yet moved into it (left by a crash), to
    /// <c>&lt;name&gt;.before-restore-&lt;time&gt;</c>, then removes that log: it belongs to the old file and would
    /// be replayed into the restored one.
    /// </summary>
    private static string KeepReplaced(string dataFile, FileStream current)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var kept = WithSuffix(dataFile, $".before-restore-{stamp}");
        // Read through the exclusive handle: opening the file again would conflict with its own lock.
        using (var copy = new FileStream(kept, FileMode.CreateNew))
        {
            current.CopyTo(copy);
        }
        var log = WithSuffix(dataFile, "-log");
        if (File.Exists(log))
        {
            File.Copy(log, WithSuffix(kept, "-log"));
            File.Delete(log);
        }
        return kept;
    }

    /// <summary>LiteDB names a file's log <c>&lt;name&gt;-log&lt;extension&gt;</c>; kept copies follow the same pattern so they open with their log.</summary>
    private static string WithSuffix(string file, string suffix) =>
        Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + suffix + Path.GetExtension(file));
}
