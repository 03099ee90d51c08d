using System.Collections.Concurrent;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Runbooks;

/// <summary>
/// The runbooks in <c>Runbooks:Path</c>, reloaded when a file changes. A broken file is logged with its line and
/// kept out; every good runbook keeps working. Versions a session started with stay readable after edits.
/// </summary>
public sealed class RunbookLibrary : IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private readonly string _path;
    private readonly IRunbookVersionStore _versions;
    private readonly ILogger<RunbookLibrary> _logger;
    private readonly ConcurrentDictionary<string, Runbook> _byVersion = new(StringComparer.Ordinal);
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _reloadTimer;
    private volatile RunbookFolder _current = RunbookFolder.Empty;

    public RunbookLibrary(IOptions<RunbookOptions> options, IRunbookVersionStore versions, ILogger<RunbookLibrary> logger)
    {
        _path = options.Value.Path;
        _versions = versions;
        _logger = logger;
        _reloadTimer = new Timer(_ => Reload());
        Reload();
        if (Directory.Exists(_path))
        {
            // Editors save in several steps (temp file, rename); one reload shortly after the last event is enough.
            _watcher = new FileSystemWatcher(_path, "*.md") { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            FileSystemEventHandler changed = (_, _) => _reloadTimer.Change(ReloadDelay, Timeout.InfiniteTimeSpan);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => _reloadTimer.Change(ReloadDelay, Timeout.InfiniteTimeSpan);
            _watcher.EnableRaisingEvents = true;
        }
    }

    public RunbookFolder Current => _current;

    /// <summary>Raised after every reload, so callers can show the new state.</summary>
    public event Action<RunbookFolder>? Reloaded;

    public Runbook? Find(string id) => _current.Runbooks.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The runbook whose <c>match</c> labels an alert has; the most specific wins.</summary>
    public Runbook? FindMatch(IReadOnlyDictionary<string, string> labels) =>
        _current.Runbooks.Where(r => r.Matches(labels)).OrderByDescending(r => r.Match.Count).ThenBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>A runbook exactly as it was at <paramref name="version"/>, even if the file changed since.</summary>
    public async ValueTask<Runbook?> FindVersionAsync(string version, CancellationToken cancellationToken = default)
    {
        if (_current.Runbooks.FirstOrDefault(r => r.Version == version) is { } current)
        {
            return current;
        }
        if (_byVersion.TryGetValue(version, out var cached))
        {
            return cached;
        }
        if (await _versions.FindRunbookVersionAsync(version, cancellationToken) is not { } stored)
        {
            return null;
        }
        var (runbook, _) = RunbookParser.Parse(stored.Markdown, stored.File);
        return runbook is null ? null : _byVersion.GetOrAdd(version, runbook);
    }

    public void Reload()
    {
        var folder = RunbookFolder.Read(_path);
        foreach (var problem in folder.Problems)
        {
            _logger.LogWarning("Runbook problem {Problem}", $"{Path.Combine(_path, problem.File)}:{problem.Line}: {problem.Message}");
        }
        _logger.LogInformation("Loaded {Count} runbooks from {Path} ({Problems} problems)", folder.Runbooks.Count, _path, folder.Problems.Count);
        _current = folder;
        Reloaded?.Invoke(folder);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _reloadTimer.Dispose();
    }
}
