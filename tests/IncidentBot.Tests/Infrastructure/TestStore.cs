using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// The traits that say which store a test class can run on. .ci/run runs every test on LiteDB, then the classes
/// marked <see cref="Any"/> again on PostgreSQL (<c>INCIDENTBOT_TEST_STORE=postgres dotnet test --filter Store=Any</c>).
/// Classes marked <see cref="LiteDb"/> test LiteDB itself (its data file, its backups, its disk-full path).
/// </summary>
public static class StoreTrait
{
    public const string Name = "Store";

    /// <summary>Behaviour through HTTP or a real process that must be the same on every store.</summary>
    public const string Any = "Any";

    /// <summary>Behaviour of the LiteDB data file itself; never run on PostgreSQL.</summary>
    public const string LiteDb = "LiteDb";
}

/// <summary>
/// The store the bots under test run on: LiteDB (a data file in the test's folder) unless the environment variable
/// <see cref="Variable"/> is <c>postgres</c>, then a PostgreSQL database of the test's own on the server the
/// <see cref="PostgresServer"/> logic finds or starts (INCIDENTBOT_TEST_POSTGRES). A data folder always maps to the
/// same database, so a test that restarts its bot on its folder finds its data again; the bot's own start-up
/// applies the schema.
/// </summary>
public static class TestStore
{
    public const string Variable = "INCIDENTBOT_TEST_STORE";

    private static readonly Lazy<PostgresServer> Server = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly HashSet<string> Databases = [];

    /// <summary>True when this run puts the bots on PostgreSQL.</summary>
    public static bool IsPostgres => string.Equals(Environment.GetEnvironmentVariable(Variable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The settings that put a bot with data folder <paramref name="dataFolder"/> on this run's store: the data file
    /// in that folder, or the folder's own PostgreSQL database (created empty on first use).
    /// </summary>
    public static Dictionary<string, string> SettingsFor(string dataFolder)
    {
        // Also on PostgreSQL: the folder of Storage:Path keeps the web console's session keys.
        var settings = new Dictionary<string, string> { ["Storage:Path"] = Path.Combine(dataFolder, "incidentbot.db") };
        if (IsPostgres)
        {
            settings["Storage:Provider"] = "postgres";
            settings["ConnectionStrings:IncidentBot"] = DatabaseFor(dataFolder);
        }
        return settings;
    }

    /// <summary>The connection string of the folder's database, created empty if it does not exist yet.</summary>
    public static string DatabaseFor(string dataFolder)
    {
        var name = NameFor(dataFolder);
        var admin = Server.Value.AdminConnectionString;
        lock (Databases)
        {
            if (Databases.Add(name))
            {
                using var connection = new NpgsqlConnection(admin);
                connection.Open();
                using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
                exists.Parameters.AddWithValue("name", name);
                if ((long)exists.ExecuteScalar()! == 0)
                {
                    using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    create.ExecuteNonQuery();
                }
            }
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops the folder's database, if this run made one (a bot using it must have stopped).</summary>
    public static void Forget(string dataFolder)
    {
        if (!IsPostgres || !Server.IsValueCreated)
        {
            return;
        }
        var name = NameFor(dataFolder);
        lock (Databases)
        {
            if (!Databases.Remove(name))
            {
                return;
            }
        }
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Server.Value.AdminConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        try
        {
            drop.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege || e.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            // Clean-up only: a session of another role still on the database (one a test opened) keeps it on the
            // throwaway server, which is removed whole at the end; the test itself has passed or failed already.
        }
    }

    private static string NameFor(string dataFolder) =>
        "bot_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataFolder))))[..24];

    private static PostgresServer StartServer()
    {
        var server = new PostgresServer();
        server.InitializeAsync().GetAwaiter().GetResult();
        // The databases made here (or the whole server, when it was started here) go when the test run ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                DropAll(server);
                server.DisposeAsync().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                // A server gone before the run ended leaves nothing to clean.
            }
        };
        return server;
    }

    private static void DropAll(PostgresServer server)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(server.AdminConnectionString);
        connection.Open();
        lock (Databases)
        {
            foreach (var name in Databases)
            {
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
            Databases.Clear();
        }
    }
}
