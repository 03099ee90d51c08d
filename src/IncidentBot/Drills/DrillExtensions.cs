using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Reminders;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using Quartz;

namespace IncidentBot.Drills;

/// <summary>
/// Quartz and what it schedules: drills (stored with the incidents, registered and caught up at start-up) and
/// status-update reminders. On LiteDB (one process) Quartz keeps its triggers in memory; on PostgreSQL every replica
/// is a node of one Quartz cluster in the same database, so each trigger fires once whichever replicas are alive.
/// </summary>
internal static class DrillExtensions
{
    public static IHostApplicationBuilder AddDrills(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DrillOptions>().BindConfiguration(DrillOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.TimeZone) || DrillCron.TryFindTimeZone(o.TimeZone, out _), "Drills:TimeZone must be a time zone this machine knows, e.g. Europe/Berlin or UTC.")
            .Validate(o => o.MisfireGrace >= TimeSpan.Zero, "Drills:MisfireGrace must not be negative, e.g. 01:00:00.")
            .ValidateOnStart();
        services.AddSingleton<IDrillReporter, DrillReporter>();
        services.AddSingleton<IDrillScheduler, QuartzDrillScheduler>();
        services.AddSingleton<DrillService>();
        services.AddQuartz(q => q.UseJobStoreOf(builder.Configuration));
        // Runs after Quartz has started (hosted services start in order): jobs in flight finish on shutdown.
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<DrillStartup>();

        // Status-update reminders: a sweep over the due times the incidents carry (no scheduler job per incident).
        services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section)
            .Validate(o => o.Intervals.Values.All(i => i >= TimeSpan.Zero), "Reminders:Intervals must be durations such as 00:15:00 (00:00:00 for none).")
            .ValidateOnStart();
        services.AddSingleton<UpdateReminders>();
        services.AddHostedService(sp => sp.GetRequiredService<UpdateReminders>());
        return builder;
    }

    /// <summary>
    /// The job store <c>Storage:Provider</c> calls for: in memory beside the LiteDB file, or the clustered store in the
    /// PostgreSQL database. There a trigger up to <c>Drills:MisfireGrace</c> late (a replica died holding it, or every
    /// replica was down) still fires; never less than Quartz's own minute, so ordinary delays never count as misfires.
    /// </summary>
    private static void UseJobStoreOf(this IQuartzBuilder quartz, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (!storage.UsesPostgres)
        {
            quartz.UseInMemoryStore();
            return;
        }
        var grace = configuration.GetSection(DrillOptions.Section).Get<DrillOptions>()?.MisfireGrace ?? new DrillOptions().MisfireGrace;
        quartz.UsePostgresCluster(configuration.GetConnectionString(StorageOptions.ConnectionStringName) ?? "", grace > MinimumMisfireThreshold ? grace : MinimumMisfireThreshold);
    }

    private static readonly TimeSpan MinimumMisfireThreshold = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Registers every active schedule with Quartz, then runs or records what was missed while down. Replicas starting
    /// together may all do this: a trigger already in the cluster's store is left as it is, and each missed run is
    /// claimed in the store (<see cref="IDrillStore.ClaimFireAsync"/>) by one replica only.
    /// </summary>
    private sealed class DrillStartup(IDrillStore store, IDrillScheduler scheduler, DrillService drills, ILogger<DrillStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var active = (await store.SchedulesAsync(cancellationToken)).Where(s => s.CancelledAt is null).ToList();
            foreach (var schedule in active)
            {
                await scheduler.ScheduleAsync(schedule, cancellationToken);
            }
            if (active.Count > 0)
            {
                logger.LogInformation("Registered {Count} drill schedule(s)", active.Count);
            }
            await drills.CatchUpAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
