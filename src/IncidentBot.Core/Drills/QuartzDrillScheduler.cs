using Quartz;

namespace IncidentBot.Drills;

/// <summary>
/// One Quartz cron trigger per drill schedule, in the schedule's time zone; the job calls <see cref="DrillService"/>.
/// A trigger the job store already holds for the same cron and time zone is kept as it is: on PostgreSQL the triggers
/// outlive every replica, and a replica starting up must not reset one another replica is about to fire.
/// </summary>
public sealed class QuartzDrillScheduler(ISchedulerFactory schedulers, TimeProvider time) : IDrillScheduler
{
    public static JobKey JobKeyFor(string scheduleId) => new(scheduleId, "drills");

    public async Task ScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        DrillCron.TryFindTimeZone(schedule.TimeZone, out var zone);
        if (await scheduler.GetTrigger(new TriggerKey(schedule.Id, "drills"), cancellationToken) is ICronTrigger existing
            && existing.CronExpressionString == schedule.Cron && existing.TimeZone.Id == zone.Id)
        {
            return;
        }
        var job = JobBuilder.Create<DrillJob>().WithIdentity(JobKeyFor(schedule.Id)).UsingJobData(DrillJob.ScheduleIdKey, schedule.Id).Build();
        // A trigger later than the job store's misfire threshold is not replayed: DrillService.CatchUpAsync decides what
        // was missed while down under Drills:MisfireGrace, and the store's claim runs each time once whoever fires it.
        // Built on our clock: a trigger started from the system clock would ignore a test's (or a replay's) time.
        var trigger = TriggerBuilder.Create(time)
            .WithIdentity(schedule.Id, "drills")
            .WithCronSchedule(schedule.Cron, cron => cron.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
    }

    public async Task UnscheduleAsync(string scheduleId, CancellationToken cancellationToken) =>
        await (await schedulers.GetScheduler(cancellationToken)).DeleteJob(JobKeyFor(scheduleId), cancellationToken);
}

/// <summary>Runs the drill of one schedule; thin on purpose, the work is in <see cref="DrillService"/>.</summary>
[DisallowConcurrentExecution]
public sealed class DrillJob(DrillService drills) : IJob
{
    public const string ScheduleIdKey = "scheduleId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await drills.FireAsync(context.MergedJobDataMap.GetString(ScheduleIdKey)!, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, cancellationToken);
}
