using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IncidentBot.Hosting;

/// <summary>
/// Before the bot listens, its store must be usable. LiteDB opens its file on first use. PostgreSQL is asked once
/// whether it lets this bot in (an unreachable server, a wrong password or a missing database is one line naming
/// <c>ConnectionStrings:IncidentBot</c>, never the password, and exit code 78), then its schema is brought up to
/// date: scripts applied in order under an advisory lock, so replicas starting together take turns.
/// </summary>
internal static class StorageStartup
{
    /// <summary>How long a bot waits for another one that is migrating the same database.</summary>
    public static readonly TimeSpan MigrationLockWait = TimeSpan.FromMinutes(2);

    /// <summary>Exit code of a start refused because the schema could not be brought up to date (EX_TEMPFAIL: try again).</summary>
    public const int MigrationFailedExitCode = 75;

    /// <summary>Null when the store is ready; otherwise the problem has been written and this is the exit code.</summary>
    public static Task<int?> RefusalAsync(WebApplication app) => RefusalAsync(app.Services, app.Configuration, app.Lifetime.ApplicationStopping);

    /// <inheritdoc cref="RefusalAsync(WebApplication)"/>
    public static async Task<int?> RefusalAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (!services.GetRequiredService<IOptions<StorageOptions>>().Value.UsesPostgres)
        {
            return null;
        }
        var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName)!;
        var timeout = TimeSpan.FromSeconds(Math.Max(1, new NpgsqlConnectionStringBuilder(connectionString).Timeout));
        if (await PostgresConnectionCheck.ProblemAsync(connectionString, timeout, cancellationToken) is { } problem)
        {
            ConfigurationCheck.Report([problem]);
            return ConfigurationCheck.ExitCode;
        }
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("IncidentBot.Storage.Migrations");
        try
        {
            PostgresMigrations.Apply(connectionString, MigrationLockWait, logger);
            return null;
        }
        catch (Exception e) when (e is PostgresMigrationException or NpgsqlException)
        {
            // The migration's own words (a script's SQL error, or the lock wait): never the connection string.
            Console.Error.WriteLine($"IncidentBot cannot start: the PostgreSQL schema could not be brought up to date ({StorageOptions.ConnectionStringKey}): {e.Message}");
            return MigrationFailedExitCode;
        }
    }
}
