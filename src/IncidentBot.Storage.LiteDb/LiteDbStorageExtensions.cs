using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>Registers the embedded store: one LiteDB data file behind every store interface Core defines.</summary>
public static class LiteDbStorageExtensions
{
    /// <summary>
    /// Opens the data file <paramref name="dataFile"/> names (an absolute path, resolved by the host) when the first
    /// store is asked for, and answers every store interface with it.
    /// </summary>
    public static IServiceCollection AddLiteDbStorage(this IServiceCollection services, Func<IServiceProvider, string> dataFile)
    {
        services.AddSingleton(sp => Open(dataFile(sp), sp.GetRequiredService<ILogger<LiteDbStorage>>()));
        services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IAlertInboxStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IStorageBackup>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IRunbookVersionStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IRoomMessageStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IPlatformReferenceStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IDeduplicationStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IDrillStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IRcaStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        services.AddSingleton<IApiTokenStore>(sp => sp.GetRequiredService<LiteDbStorage>());
        // One process: changes go straight to this process's live views.
        services.AddSingleton<IChangeFeed, InProcessChangeFeed>();
        return services;
    }

    private static LiteDbStorage Open(string path, ILogger<LiteDbStorage> logger)
    {
        try
        {
            return new LiteDbStorage(path, logger);
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException($"Cannot open the data file '{path}' (Storage:Path): {ex.Message}", ex);
        }
    }
}
