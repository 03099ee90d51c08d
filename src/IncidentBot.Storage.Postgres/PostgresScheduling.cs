using Npgsql;
using Quartz;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Quartz on PostgreSQL: the clustered ADO.NET job store in the bot's own database (the <c>qrtz_*</c> tables of
/// Migrations/0002_quartz.sql). Every replica is a node of one cluster: a trigger is fired by one node only (they take
/// turns under a row lock in <c>qrtz_locks</c>), and the triggers a dead node had taken are released by another once its
/// check-ins stop (<see cref="CheckinInterval"/> + <see cref="CheckinMisfireThreshold"/>). Job data is written with
/// System.Text.Json. See docs/high-availability.md.
/// </summary>
public static class PostgresScheduling
{
    /// <summary>One name for the scheduler on every replica: the rows of <c>qrtz_*</c> belong to it.</summary>
    public const string SchedulerName = "IncidentBot";

    /// <summary>What the scheduler's connections are called in <c>pg_stat_activity</c>, unless the connection string names one.</summary>
    public const string ApplicationName = "IncidentBot scheduler";

    /// <summary>How often each replica records in <c>qrtz_scheduler_state</c> that it is alive.</summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed check-in the others wait before they call a replica dead and take its triggers over: longer
    /// than a long garbage collection or a short database failover, short next to any drill's misfire grace.
    /// </summary>
    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Puts <paramref name="quartz"/> on the clustered job store in the database <paramref name="connectionString"/> names
    /// (<c>ConnectionStrings:IncidentBot</c>). Its connections are a pool of their own, so a storm of webhooks never
    /// keeps the scheduler from its locks. A trigger later than <paramref name="misfireThreshold"/> when a node gets to
    /// it is a misfire (its misfire instruction decides); up to then it still fires, late.
    /// </summary>
    public static IQuartzBuilder UsePostgresCluster(this IQuartzBuilder quartz, string connectionString, TimeSpan misfireThreshold)
    {
        quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = SchedulerName);
        quartz.UsePersistentStore(store =>
        {
            // The factory form names no driver type by string, so nothing is resolved by reflection.
            store.UsePostgres(NpgsqlFactory.Instance, SchedulerConnectionString(connectionString));
            // The instance id is generated (host name and time), so every replica is a node of its own.
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = CheckinInterval;
                cluster.CheckinMisfireThreshold = CheckinMisfireThreshold;
            });
            store.UseSystemTextJsonSerializer();
            store.ConfigureStore(options =>
            {
                options.TablePrefix = "qrtz_";
                options.MisfireThreshold = misfireThreshold;
                // The misfire handler would otherwise look only once per threshold (an hour by default).
                options.MisfireHandlerFrequency = TimeSpan.FromSeconds(15);
            });
        });
        return quartz;
    }

    /// <summary>
    /// The scheduler's pool: <paramref name="connectionString"/> named <see cref="ApplicationName"/> unless it names
    /// itself. Quartz opens and closes a connection for every step of scheduling a job, so connections go back to the
    /// pool as they are (no <c>DISCARD ALL</c> round trip; Quartz keeps no session state, its locks are row locks inside
    /// transactions) and keep up to 50 statements prepared, unless the connection string sets <c>Max Auto Prepare</c>.
    /// </summary>
    public static string SchedulerConnectionString(string connectionString)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (string.IsNullOrEmpty(connection.ApplicationName))
        {
            connection.ApplicationName = ApplicationName;
        }
        if (!PostgresStorageExtensions.Sets(connectionString, "Max Auto Prepare"))
        {
            connection.MaxAutoPrepare = 50;
        }
        return connection.ConnectionString;
    }
}
