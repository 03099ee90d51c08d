namespace IncidentBot.Files;

/// <summary>
/// Calls <c>reload</c> once shortly after files in a folder change (runbooks, the service catalog). Editors save in
/// several steps (a temporary file, a rename); one reload after the last event is enough. A folder that does not
/// exist is not watched.
/// </summary>
public sealed class FolderWatch : IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _reloadTimer;

    /// <param name="path">The folder, watched with its subfolders.</param>
    /// <param name="filter">Which files count, e.g. <c>*.md</c>; <c>*</c> for all.</param>
    /// <param name="reload">What to do after changes.</param>
    public FolderWatch(string path, string filter, Action reload)
    {
        _reloadTimer = new Timer(_ => reload());
        if (Directory.Exists(path))
        {
            _watcher = new FileSystemWatcher(path, filter) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            FileSystemEventHandler changed = (_, _) => _reloadTimer.Change(ReloadDelay, Timeout.InfiniteTimeSpan);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => _reloadTimer.Change(ReloadDelay, Timeout.InfiniteTimeSpan);
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Stops reacting to changes (while the bot shuts down).</summary>
    public void Pause()
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _reloadTimer.Dispose();
    }
}
