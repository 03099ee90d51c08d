using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Reminders;
using IncidentBot.Storage;
using Quartz;

namespace IncidentBot.Drills;

/// <summary>
/// Quartz and what it schedules: drills (stored in LiteDB, re-registered and caught up at start-up) and
/// status-update reminders.
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
        services.AddQuartz(q => q.UseInMemoryStore());
        // Runs after Quartz has started (hosted services start in order): jobs in flight finish on shutdown.
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<DrillStartup>();

        // Status-update reminders share the scheduler: one trigger per open real incident.
        services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section)
            .Validate(o => o.Intervals.Values.All(i => i >= TimeSpan.Zero), "Reminders:Intervals must be durations such as 00:15:00 (00:00:00 for none).")
            .ValidateOnStart();
        services.AddSingleton<UpdateReminders>();
        services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<UpdateReminders>());
        services.AddHostedService(sp => sp.GetRequiredService<UpdateReminders>());
        return builder;
    }

    /// <summary>Registers every active schedule with Quartz, then runs or records what was missed while down.</summary>
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
