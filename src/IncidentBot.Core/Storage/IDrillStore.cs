using IncidentBot.Drills;

namespace IncidentBot.Storage;

/// <summary>Drill schedules and the runs they produced.</summary>
public interface IDrillStore
{
    /// <summary>Stores the schedule, replacing the one with its id.</summary>
    ValueTask SaveScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken = default);

    ValueTask<DrillSchedule?> FindScheduleAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every schedule, cancelled ones included, oldest first.</summary>
    ValueTask<IReadOnlyList<DrillSchedule>> SchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the schedule's run for <paramref name="scheduledFor"/>: sets its <see cref="DrillSchedule.LastFireAt"/> to
    /// that time if the schedule is active and has not fired for that time or a later one. True for the one caller
    /// that set it, false for every other (another replica, a second trigger, a catch-up after a late fire), so a
    /// scheduled time runs at most once however many processes reach it.
    /// </summary>
    ValueTask<bool> ClaimFireAsync(string scheduleId, DateTimeOffset scheduledFor, CancellationToken cancellationToken = default);

    /// <summary>The next free short id: d1, d2, …</summary>
    ValueTask<string> NextScheduleIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores the run, replacing the one with its id.</summary>
    ValueTask SaveRunAsync(DrillRun run, CancellationToken cancellationToken = default);

    ValueTask<DrillRun?> FindRunByIncidentAsync(int incidentNumber, CancellationToken cancellationToken = default);

    /// <summary>A schedule's runs, newest first.</summary>
    ValueTask<IReadOnlyList<DrillRun>> RunsOfAsync(string scheduleId, CancellationToken cancellationToken = default);
}
