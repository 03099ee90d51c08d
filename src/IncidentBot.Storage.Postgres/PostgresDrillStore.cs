using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>Drill schedules and runs (skeleton).</summary>
public sealed class PostgresDrillStore(NpgsqlDataSource dataSource) : IDrillStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource;

    public ValueTask SaveScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<DrillSchedule?> FindScheduleAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<DrillSchedule>> SchedulesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<string> NextScheduleIdAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask SaveRunAsync(DrillRun run, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<DrillRun?> FindRunByIncidentAsync(int incidentNumber, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<DrillRun>> RunsOfAsync(string scheduleId, CancellationToken cancellationToken) => throw new NotImplementedException();
}
