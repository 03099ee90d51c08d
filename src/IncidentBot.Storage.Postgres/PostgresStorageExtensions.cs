using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Registers the PostgreSQL store: one <see cref="NpgsqlDataSource"/> behind every store interface Core defines.</summary>
public static class PostgresStorageExtensions
{
    /// <summary>The application name the server shows in <c>pg_stat_activity</c> unless the connection string names one.</summary>
    public const string ApplicationName = "IncidentBot";

    /// <summary>
    /// Connects with the connection string <paramref name="connectionString"/> gives (resolved by the host from
    /// <c>ConnectionStrings:IncidentBot</c>) and answers every store interface with tables in that database. The schema is
    /// brought up to date by <see cref="PostgresMigrations.Apply"/>, which the host runs among its start-up checks.
    /// Each interface is answered through <see cref="UnavailableTranslation{TStore}"/>, so an unreachable, stopped,
    /// full or read-only server is <see cref="StorageUnavailableException"/> to Core.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        services.AddSingleton(sp => DataSource(connectionString(sp), sp.GetService<ILoggerFactory>()));
        // Real time whatever clock the bot is given: readiness is for the load balancer, which lives on real time.
        services.AddSingleton(_ => new PostgresWriteRefusals(TimeProvider.System));
        services.AddSingleton<PostgresIncidentStore>();
        services.AddSingleton(sp => Translated<IIncidentStore>(sp.GetRequiredService<PostgresIncidentStore>(), sp));
        services.AddSingleton(sp => Translated<IRunbookVersionStore>(sp.GetRequiredService<PostgresIncidentStore>(), sp));
        services.AddSingleton<PostgresAlertInbox>();
        services.AddSingleton(sp => Translated<IAlertInboxStore>(sp.GetRequiredService<PostgresAlertInbox>(), sp));
        services.AddSingleton<PostgresOutbox>();
        services.AddSingleton(sp => Translated<IOutboxStore>(sp.GetRequiredService<PostgresOutbox>(), sp));
        services.AddSingleton<PostgresRoomMessages>();
        services.AddSingleton(sp => Translated<IRoomMessageStore>(sp.GetRequiredService<PostgresRoomMessages>(), sp));
        services.AddSingleton<PostgresRcaStore>();
        services.AddSingleton(sp => Translated<IRcaStore>(sp.GetRequiredService<PostgresRcaStore>(), sp));
        services.AddSingleton<PostgresDrillStore>();
        services.AddSingleton(sp => Translated<IDrillStore>(sp.GetRequiredService<PostgresDrillStore>(), sp));
        services.AddSingleton(sp => new PostgresStorageHealth(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<PostgresWriteRefusals>()));
        services.AddSingleton(sp => Translated<IStorageHealth>(sp.GetRequiredService<PostgresStorageHealth>(), sp));
        services.AddSingleton<PostgresPlatformReferences>();
        services.AddSingleton(sp => Translated<IPlatformReferenceStore>(sp.GetRequiredService<PostgresPlatformReferences>(), sp));
        services.AddSingleton<PostgresDeduplication>();
        services.AddSingleton(sp => Translated<IDeduplicationStore>(sp.GetRequiredService<PostgresDeduplication>(), sp));
        services.AddSingleton<PostgresApiTokens>();
        services.AddSingleton(sp => Translated<IApiTokenStore>(sp.GetRequiredService<PostgresApiTokens>(), sp));
        // Changes reach every replica's live views through LISTEN/NOTIFY; the feed listens while the host runs.
        services.AddSingleton<PostgresChangeFeed>();
        services.AddSingleton<IChangeFeed>(sp => sp.GetRequiredService<PostgresChangeFeed>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeFeed>());
        return services;
    }

    /// <summary>
    /// Keeps ASP.NET Core Data Protection's keys (the web console's session cookies) in the <c>data_protection_keys</c>
    /// table, shared by every replica on the database, and makes the first key at start, one replica at a time.
    /// Needs <see cref="AddPostgresStorage"/> for the data source.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToPostgres(this IDataProtectionBuilder builder)
    {
        builder.Services.AddSingleton<PostgresXmlRepository>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository>((keys, repository) => keys.XmlRepository = repository);
        builder.Services.AddHostedService<PostgresFirstSessionKey>();
        return builder;
    }

    /// <summary>How many statements each connection keeps prepared: more than the bot's distinct statements.</summary>
    public const int AutoPreparedStatements = 100;

    /// <summary>
    /// The pool every store shares. It logs through the host's logging (Npgsql never logs parameter values unless
    /// told to) and names itself <see cref="ApplicationName"/> to the server unless the connection string says otherwise.
    /// Statements the bot runs again and again are prepared on each connection (<see cref="AutoPreparedStatements"/>),
    /// so the server plans them once instead of on every call, unless the connection string sets <c>Max Auto Prepare</c>
    /// itself (0 behind a connection pooler in transaction mode that cannot keep prepared statements).
    /// A connection goes back to the pool as it is (<c>No Reset On Close</c>, unless the connection string says
    /// otherwise): the stores leave no session state behind (their locks and settings last for a transaction, and what
    /// holds a session, the change feed's LISTEN and the first console key's lock, uses <see cref="OpenUnpooledAsync"/>),
    /// so the five reset statements Npgsql would otherwise send with the next use of every connection are saved.
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString, ILoggerFactory? logging)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
        {
            builder.ConnectionStringBuilder.ApplicationName = ApplicationName;
        }
        if (!Sets(connectionString, "Max Auto Prepare"))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPreparedStatements;
        }
        if (!Sets(connectionString, "No Reset On Close"))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }
        if (logging is not null)
        {
            builder.UseLoggerFactory(logging);
        }
        return builder.Build();
    }

    /// <summary>
    /// A connection of its own to the pool's server, with the pool's credentials, that is closed for good when disposed:
    /// for work that keeps state in its session (LISTEN, a session-level advisory lock), which must end with it rather
    /// than go back to the pool. <paramref name="applicationName"/> names it in <c>pg_stat_activity</c> when given.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenUnpooledAsync(NpgsqlDataSource dataSource, string? applicationName, CancellationToken cancellationToken)
    {
        await using var pooled = dataSource.CreateConnection();
        var own = new NpgsqlConnectionStringBuilder(pooled.ConnectionString) { Pooling = false };
        if (applicationName is not null)
        {
            own.ApplicationName = applicationName;
        }
        // CloneWith keeps the data source's password, which its connection string no longer shows.
        var connection = pooled.CloneWith(own.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="connectionString"/> itself gives <paramref name="keyword"/> (in any case, with or without
    /// its spaces). <see cref="NpgsqlConnectionStringBuilder.ContainsKey"/> cannot tell: it answers true for every
    /// keyword Npgsql knows, given or not.
    /// </summary>
    public static bool Sets(string connectionString, string keyword)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(key => Squeezed(key) == Squeezed(keyword));

        static string Squeezed(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    private static TStore Translated<TStore>(TStore store, IServiceProvider services) where TStore : class =>
        UnavailableTranslation<TStore>.Around(store, services.GetRequiredService<PostgresWriteRefusals>());
}
