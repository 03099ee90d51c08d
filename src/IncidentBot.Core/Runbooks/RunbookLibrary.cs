using IncidentBot.Files;
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
    private readonly string _path;
    private readonly IRunbookVersionStore _versions;
    private readonly ILogger<RunbookLibrary> _logger;
    private readonly ConcurrentDictionary<string, Runbook> _byVersion = new(StringComparer.Ordinal);
    private readonly FolderWatch _watch;
    private volatile RunbookFolder _current = RunbookFolder.Empty;

    public RunbookLibrary(IOptions<RunbookOptions> options, IRunbookVersionStore versions, ILogger<RunbookLibrary> logger)
    {
        _path = options.Value.Path;
        _versions = versions;
        _logger = logger;
        Reload();
        _watch = new FolderWatch(_path, "*.md", Reload);
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

    public void Dispose() => _watch.Dispose();
}
