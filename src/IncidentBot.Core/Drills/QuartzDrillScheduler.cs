using Quartz;

namespace IncidentBot.Drills;

/// <summary>One Quartz cron trigger per drill schedule, in the schedule's time zone; the job calls <see cref="DrillService"/>.</summary>
public sealed class QuartzDrillScheduler(ISchedulerFactory schedulers, TimeProvider time) : IDrillScheduler
{
    public static JobKey JobKeyFor(string scheduleId) => new(scheduleId, "drills");

    public async Task ScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        DrillCron.TryFindTimeZone(schedule.TimeZone, out var zone);
        var job = JobBuilder.Create<DrillJob>().WithIdentity(JobKeyFor(schedule.Id)).UsingJobData(DrillJob.ScheduleIdKey, schedule.Id).Build();
        // Missed runs are decided by DrillService.CatchUpAsync under our own grace rule, so Quartz must not replay them.
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
