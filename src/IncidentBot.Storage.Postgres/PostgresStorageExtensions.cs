using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Registers the PostgreSQL store: one <see cref="NpgsqlDataSource"/> behind every store interface Core defines.</summary>
public static class PostgresStorageExtensions
{
    /// <summary>
    /// Connects with the connection string <paramref name="connectionString"/> gives (resolved by the host from
    /// <c>ConnectionStrings:IncidentBot</c>) and answers every store interface with tables in that database. The schema is
    /// brought up to date by <see cref="PostgresMigrations.Apply"/>, which the host runs among its start-up checks.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString(sp)).Build());
        services.AddSingleton<PostgresIncidentStore>();
        services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<PostgresIncidentStore>());
        services.AddSingleton<IRunbookVersionStore>(sp => sp.GetRequiredService<PostgresIncidentStore>());
        services.AddSingleton<IAlertInboxStore, PostgresAlertInbox>();
        services.AddSingleton<IOutboxStore, PostgresOutbox>();
        services.AddSingleton<IRoomMessageStore, PostgresRoomMessages>();
        services.AddSingleton<IRcaStore, PostgresRcaStore>();
        services.AddSingleton<IDrillStore, PostgresDrillStore>();
        services.AddSingleton<IStorageHealth, PostgresStorageHealth>();
        services.AddSingleton<IPlatformReferenceStore, PostgresPlatformReferences>();
        services.AddSingleton<IDeduplicationStore, PostgresDeduplication>();
        return services;
    }
}
