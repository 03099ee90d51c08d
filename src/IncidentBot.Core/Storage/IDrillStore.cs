using IncidentBot.Drills;

namespace IncidentBot.Storage;

/// <summary>Drill schedules and the runs they produced.</summary>
public interface IDrillStore
{
    void SaveSchedule(DrillSchedule schedule);

    DrillSchedule? FindSchedule(string id);

    /// <summary>Every schedule, cancelled ones included, oldest first.</summary>
    IReadOnlyList<DrillSchedule> Schedules();

    /// <summary>The next free short id: d1, d2, …</summary>
    string NextScheduleId();

    void SaveRun(DrillRun run);

    DrillRun? FindRunByIncident(int incidentNumber);

    /// <summary>A schedule's runs, newest first.</summary>
    IReadOnlyList<DrillRun> RunsOf(string scheduleId);
}
