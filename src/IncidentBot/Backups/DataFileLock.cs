namespace IncidentBot.Backups;

/// <summary>
/// Tells whether a process has the data file open. The bot's LiteDB keeps it open for as long as the bot runs, and
/// .NET takes an advisory lock with every open (a shared <c>flock</c> on Linux, share modes on Windows), so an
/// exclusive open fails exactly while a bot, or any other IncidentBot tool, is using the file.
/// </summary>
internal static class DataFileLock
{
    /// <summary>
    /// Opens the file exclusively, keeping any bot from opening it until the handle is disposed; null when there is
    /// no such file. Throws <see cref="DataFileInUseException"/> when another process has it open.
    /// </summary>
    public static FileStream? Take(string dataFile)
    {
        try
        {
            return new FileStream(dataFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException ex)
        {
            throw new DataFileInUseException(dataFile, ex);
        }
    }

    public static bool InUse(string dataFile)
    {
        try
        {
            Take(dataFile)?.Dispose();
            return false;
        }
        catch (DataFileInUseException)
        {
            return true;
        }
    }
}

/// <summary>Another process, most likely a running bot, has the data file open.</summary>
internal sealed class DataFileInUseException(string dataFile, Exception inner)
    : IOException($"{dataFile} is open in another process, most likely a running IncidentBot ({inner.Message}).", inner);
