namespace IncidentBot.Drills;

/// <summary>Makes stored drill schedules fire (Quartz in production).</summary>
public interface IDrillScheduler
{
    Task ScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken);

    Task UnscheduleAsync(string scheduleId, CancellationToken cancellationToken);
}
