using IncidentBot.Files;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Catalog;

/// <summary>
/// The catalog in <c>Catalog:Path</c>, reloaded when a file changes. Every problem is logged with its file and line
/// and shown on the Services page; a file that cannot be read whole keeps its last good version meanwhile.
/// </summary>
public sealed class CatalogLibrary : IHostedService, IDisposable
{
    private readonly string _path;
    private readonly ILogger<CatalogLibrary> _logger;
    private readonly FolderWatch _watch;
    private readonly Lock _reloading = new();
    private IReadOnlyDictionary<string, CatalogFile> _good = new Dictionary<string, CatalogFile>();
    private volatile ServiceCatalog _current = ServiceCatalog.Empty;

    public CatalogLibrary(IOptions<CatalogOptions> options, ILogger<CatalogLibrary> logger)
    {
        _path = options.Value.Path;
        _logger = logger;
        Reload();
        _watch = new FolderWatch(_path, "*", Reload);
    }

    public ServiceCatalog Current => _current;

    /// <summary>Raised after every reload.</summary>
    public event Action<ServiceCatalog>? Reloaded;

    public void Reload()
    {
        ServiceCatalog catalog;
        lock (_reloading)
        {
            try
            {
                (catalog, _good) = CatalogFolder.Read(_path, _good);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The folder went away or became unreadable mid-read: keep what we have and say why.
                _logger.LogWarning(ex, "Catalog problem {Problem}", $"{_path}: cannot be read; the last catalog stays in use");
                return;
            }
            foreach (var problem in catalog.Problems)
            {
                _logger.LogWarning("Catalog problem {Problem}", $"{Path.Combine(_path, problem.File)}:{problem.Line}: {problem.Message}");
            }
            _logger.LogInformation("Loaded {Count} components, {Groups} groups, {Users} users and {Rotas} rotas from {Path} ({Problems} problems)",
                catalog.Components.Count, catalog.Groups.Count, catalog.Users.Count, catalog.Rotas.Count, _path, catalog.Problems.Count);
            _current = catalog;
        }
        Reloaded?.Invoke(catalog);
    }

    /// <summary>Nothing to start: the catalog was read when the library was made, and the watcher runs since.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops watching, so no reload runs while the bot shuts down.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watch.Pause();
        return Task.CompletedTask;
    }

    public void Dispose() => _watch.Dispose();
}
