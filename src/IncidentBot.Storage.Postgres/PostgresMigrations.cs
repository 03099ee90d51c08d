using DbUp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Brings a PostgreSQL database to the schema this IncidentBot needs. The scripts are embedded SQL files
/// (Migrations/NNNN_*.sql), applied in name order, each in its own transaction, and recorded in
/// <see cref="JournalTable"/>; an applied script is never run again, so a shipped script is never edited.
/// Replicas starting together each call <see cref="Apply"/>: a PostgreSQL advisory lock lets one apply the
/// scripts while the others wait, then find nothing left to do. See docs/storage.md.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>The table DbUp records applied scripts in (public schema).</summary>
    public const string JournalTable = "schema_versions";

    /// <summary>
    /// The advisory lock key all IncidentBot replicas agree on: the first eight bytes of "IncBotMg" read as a number,
    /// so it will not collide with another application's small integers.
    /// </summary>
    public const long AdvisoryLockKey = 0x496E63426F744D67;

    private const string ScriptPrefix = "IncidentBot.Storage.Postgres.Migrations.";

    /// <summary>Every script this build ships, in the order it applies them (names without the resource prefix).</summary>
    public static IReadOnlyList<string> Scripts { get; } = typeof(PostgresMigrations).Assembly.GetManifestResourceNames()
        .Where(IsMigration).Select(name => name[ScriptPrefix.Length..]).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Applies the scripts the database has not seen, under the advisory lock. Waits at most
    /// <paramref name="lockWait"/> for another replica's migration to finish. Returns the scripts this call applied
    /// (none when another replica got there first); throws <see cref="PostgresMigrationException"/> when a script fails,
    /// after which nothing of that script is left behind.
    /// </summary>
    public static IReadOnlyList<string> Apply(string connectionString, TimeSpan lockWait, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        // The lock is held by this connection's session while DbUp works on its own connections. It is not pooled,
        // so closing it always ends the session and with it the lock, even if the unlock below never runs.
        var lockConnection = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        using var connection = new NpgsqlConnection(lockConnection);
        connection.Open();
        // SET takes no parameters: the value is a whole number of milliseconds, at least 1 (0 would mean forever).
        using (var wait = new NpgsqlCommand($"SET lock_timeout = {Math.Max(1, (long)lockWait.TotalMilliseconds)}", connection))
        {
            wait.ExecuteNonQuery();
        }
        using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", AdvisoryLockKey);
            take.CommandTimeout = 0;
            try
            {
                take.ExecuteNonQuery();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new PostgresMigrationException(
                    $"Another IncidentBot has been migrating this database for more than {lockWait.TotalSeconds:0} s; gave up waiting for it.", e);
            }
        }
        try
        {
            return Upgrade(connectionString, logger);
        }
        finally
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", AdvisoryLockKey);
            release.ExecuteNonQuery();
        }
    }

    private static IReadOnlyList<string> Upgrade(string connectionString, ILogger logger)
    {
        var engine = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(PostgresMigrations).Assembly, IsMigration)
            .JournalToPostgresqlTable("public", JournalTable)
            .WithTransactionPerScript()
            // Scripts are plain SQL: DbUp's $variable$ substitution would rewrite PostgreSQL's $$ quoting.
            .WithVariablesDisabled()
            .LogTo(logger)
            .Build();

        var unknown = engine.GetExecutedButNotDiscoveredScripts();
        if (unknown.Count > 0)
        {
            // A newer IncidentBot migrated this database. Its scripts stay compatible with the release before it, so
            // this one keeps working during a rolling update; it does not undo them.
            logger.LogWarning("The database has {Count} schema script(s) this IncidentBot does not know, from a newer version: {Scripts}",
                unknown.Count, string.Join(", ", unknown.Select(s => s[ScriptPrefix.Length..])));
        }

        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name is { } name ? name[ScriptPrefix.Length..] : "a schema script";
            throw new PostgresMigrationException($"Applying {script} failed: {result.Error?.Message}", result.Error);
        }
        var applied = result.Scripts.Select(s => s.Name[ScriptPrefix.Length..]).ToList();
        if (applied.Count > 0)
        {
            logger.LogInformation("Applied {Count} schema script(s): {Scripts}", applied.Count, string.Join(", ", applied));
        }
        return applied;
    }

    private static bool IsMigration(string resourceName) =>
        resourceName.StartsWith(ScriptPrefix, StringComparison.Ordinal) && resourceName.EndsWith(".sql", StringComparison.Ordinal);
}

/// <summary>The database could not be brought to this IncidentBot's schema; the message says why.</summary>
public sealed class PostgresMigrationException(string message, Exception? inner = null) : Exception(message, inner);
