using IncidentBot.Hosting;
using IncidentBot.Storage.LiteDb;

namespace IncidentBot.Backups;

/// <summary>
/// <c>backup &lt;file&gt; [--url &lt;address&gt;]</c>. LiteDB cannot be copied consistently from outside while the bot
/// writes, so when the data file is in use the running bot makes the copy (see <see cref="BackupEndpoints"/>);
/// when no process has it open, the file is copied directly. Either way the copy is opened and counted before it
/// replaces <c>&lt;file&gt;</c>, so a backup that exists is one that opens.
/// </summary>
internal static class BackupCommand
{
    public const string Usage = "Usage: backup <file> [--url <address of the running bot>]   (a consistent copy of the data file, also while the bot runs)";

    public static async Task<int> RunAsync(ToolConfiguration configuration, string file, Uri? url, TextWriter output, TextWriter errors)
    {
        if (PostgresBackupAdvice.UsesPostgres(configuration.Values))
        {
            errors.WriteLine(PostgresBackupAdvice.Backup(configuration.Values));
            return 1;
        }
        var dataFile = configuration.DataFile;
        var target = Path.GetFullPath(file);
        if (target == dataFile)
        {
            errors.WriteLine($"The backup must be another file than the data file ({dataFile}).");
            return 2;
        }
        var partial = $"{target}.partial-{Guid.NewGuid():N}";
        var bot = url ?? configuration.LocalAddress;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string how;
            if (url is not null || DataFileLock.InUse(dataFile))
            {
                var copied = await BackupDownload.SaveAsync(bot, configuration.BearerToken, partial);
                if (url is null && copied != dataFile)
                {
                    errors.WriteLine($"The bot at {bot} keeps its data in {copied}, not in {dataFile}. Pass --url with the address of the bot that has {dataFile} open.");
                    return 1;
                }
                how = $"taken by the running bot at {bot}";
            }
            else
            {
                LiteDbDataFile.CopyStopped(dataFile, partial);
                how = "copied directly: no bot had it open";
            }
            var summary = LiteDbDataFile.Inspect(partial, target);
            File.Move(partial, target, overwrite: true);
            output.WriteLine($"Backed up {(url is null ? dataFile : "the bot's data file")} to {target} ({how}).");
            output.WriteLine($"The backup opens: {summary}.");
            return 0;
        }
        catch (HttpRequestException ex)
        {
            errors.WriteLine(url is null
                ? $"{dataFile} is open in another process, but no IncidentBot answers at {bot} ({ex.Message}). Pass --url with the running bot's address."
                : $"No IncidentBot answers at {bot} ({ex.Message}).");
            return 1;
        }
        catch (Exception ex) when (ex is BackupRefusedException or IOException or InvalidDataException or UnauthorizedAccessException or TaskCanceledException)
        {
            errors.WriteLine($"No backup was written: {ex.Message}");
            return 1;
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }
}
