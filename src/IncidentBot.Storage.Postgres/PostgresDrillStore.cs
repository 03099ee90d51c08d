using IncidentBot.Drills;
using IncidentBot.Incidents;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Drill schedules (<c>drill_schedules</c>) and the runs they produced (<c>drill_runs</c>, the report as
/// <see cref="PostgresJson"/> in <c>jsonb</c>). Schedule ids come from <c>drill_schedule_number_seq</c>; run ids from
/// the identity column.
/// </summary>
public sealed class PostgresDrillStore(NpgsqlDataSource dataSource) : IDrillStore
{
    private const string ScheduleColumns = "id, runbook_id, cron, time_zone, severity, participants, created_by, created_at, cancelled_at, last_fire_at";
    private const string RunColumns = "id, schedule_id, runbook_id, incident_number, scheduled_for, started_at, missed, report";

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public async ValueTask SaveScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            INSERT INTO drill_schedules ({ScheduleColumns})
            VALUES (@id, @runbook, @cron, @zone, @severity, @participants, @createdBy, @createdAt, @cancelledAt, @lastFireAt)
            ON CONFLICT (id) DO UPDATE SET
                runbook_id = EXCLUDED.runbook_id, cron = EXCLUDED.cron, time_zone = EXCLUDED.time_zone,
                severity = EXCLUDED.severity, participants = EXCLUDED.participants, created_by = EXCLUDED.created_by,
                created_at = EXCLUDED.created_at, cancelled_at = EXCLUDED.cancelled_at, last_fire_at = EXCLUDED.last_fire_at
            """);
        command.Parameters.AddWithValue("id", schedule.Id);
        command.Parameters.AddWithValue("runbook", schedule.RunbookId);
        command.Parameters.AddWithValue("cron", schedule.Cron);
        command.Parameters.AddWithValue("zone", schedule.TimeZone);
        command.Parameters.AddWithValue("severity", (short)schedule.Severity);
        command.Parameters.AddWithValue("participants", schedule.Participants.ToArray());
        command.Parameters.AddWithValue("createdBy", schedule.CreatedBy);
        command.Parameters.AddWithValue("createdAt", schedule.CreatedAt.ToUniversalTime());
        command.Parameters.Add(Time("cancelledAt", schedule.CancelledAt));
        command.Parameters.Add(Time("lastFireAt", schedule.LastFireAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<DrillSchedule?> FindScheduleAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {ScheduleColumns} FROM drill_schedules WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return (await ReadSchedulesAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async ValueTask<IReadOnlyList<DrillSchedule>> SchedulesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {ScheduleColumns} FROM drill_schedules ORDER BY created_at, id");
        return await ReadSchedulesAsync(command, cancellationToken);
    }

    /// <summary>One conditional update: the row lock it takes makes a second caller wait, then find the time taken.</summary>
    public async ValueTask<bool> ClaimFireAsync(string scheduleId, DateTimeOffset scheduledFor, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE drill_schedules SET last_fire_at = @at
            WHERE id = @id AND cancelled_at IS NULL AND (last_fire_at IS NULL OR last_fire_at < @at)
            """);
        command.Parameters.AddWithValue("id", scheduleId);
        command.Parameters.AddWithValue("at", scheduledFor.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// <c>nextval</c> never gives one number to two callers, whatever their transactions do. A number whose id is
    /// already taken (a schedule copied from a LiteDB file, or saved under an id chosen by hand) is skipped.
    /// </summary>
    public async ValueTask<string> NextScheduleIdAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT 'd' || nextval('drill_schedule_number_seq') AS id
            """);
        await using var taken = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM drill_schedules WHERE id = @id)");
        var id = taken.Parameters.Add("id", NpgsqlDbType.Text);
        while (true)
        {
            var candidate = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            id.Value = candidate;
            if (!(bool)(await taken.ExecuteScalarAsync(cancellationToken))!)
            {
                return candidate;
            }
        }
    }

    public async ValueTask SaveRunAsync(DrillRun run, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await SaveRunAsync(connection, null, run, cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="run"/> on <paramref name="connection"/> (inside <paramref name="transaction"/> when given,
    /// as an incident commit does for the drill runs it reports): a run without an id is inserted and gets one, a run
    /// with an id replaces the row with that id.
    /// </summary>
    internal static async Task SaveRunAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DrillRun run, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(run.Id == 0
            ? """
              INSERT INTO drill_runs (schedule_id, runbook_id, incident_number, scheduled_for, started_at, missed, report)
              VALUES (@schedule, @runbook, @incident, @scheduledFor, @startedAt, @missed, @report)
              RETURNING id
              """
            // A run read from this store keeps its id. (storage copy, which inserts runs with their LiteDB ids, moves the
            // identity past them, as it does the incident number sequence.)
            : """
              INSERT INTO drill_runs (id, schedule_id, runbook_id, incident_number, scheduled_for, started_at, missed, report)
              OVERRIDING SYSTEM VALUE
              VALUES (@id, @schedule, @runbook, @incident, @scheduledFor, @startedAt, @missed, @report)
              ON CONFLICT (id) DO UPDATE SET
                  schedule_id = EXCLUDED.schedule_id, runbook_id = EXCLUDED.runbook_id,
                  incident_number = EXCLUDED.incident_number, scheduled_for = EXCLUDED.scheduled_for,
                  started_at = EXCLUDED.started_at, missed = EXCLUDED.missed, report = EXCLUDED.report
              RETURNING id
              """, connection, transaction);
        command.Parameters.AddWithValue("id", run.Id);
        command.Parameters.Add(new NpgsqlParameter<string?>("schedule", NpgsqlDbType.Text) { TypedValue = run.ScheduleId });
        command.Parameters.AddWithValue("runbook", run.RunbookId);
        command.Parameters.Add(new NpgsqlParameter<int?>("incident", NpgsqlDbType.Integer) { TypedValue = run.IncidentNumber });
        command.Parameters.AddWithValue("scheduledFor", run.ScheduledFor.ToUniversalTime());
        command.Parameters.Add(Time("startedAt", run.StartedAt));
        command.Parameters.AddWithValue("missed", run.Missed);
        command.Parameters.Add(new NpgsqlParameter<string?>("report", NpgsqlDbType.Jsonb) { TypedValue = run.Report is null ? null : PostgresJson.Write(run.Report) });
        run.Id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask<DrillRun?> FindRunByIncidentAsync(int incidentNumber, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {RunColumns} FROM drill_runs WHERE incident_number = @incident");
        command.Parameters.AddWithValue("incident", incidentNumber);
        return (await ReadRunsAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async ValueTask<IReadOnlyList<DrillRun>> RunsOfAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {RunColumns} FROM drill_runs WHERE schedule_id = @schedule ORDER BY scheduled_for DESC, id DESC");
        command.Parameters.AddWithValue("schedule", scheduleId);
        return await ReadRunsAsync(command, cancellationToken);
    }

    private static NpgsqlParameter<DateTimeOffset?> Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { TypedValue = value?.ToUniversalTime() };

    private static async Task<List<DrillSchedule>> ReadSchedulesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schedules = new List<DrillSchedule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schedules.Add(new DrillSchedule
            {
                Id = reader.GetString(0),
                RunbookId = reader.GetString(1),
                Cron = reader.GetString(2),
                TimeZone = reader.GetString(3),
                Severity = (Severity)reader.GetInt16(4),
                Participants = [.. reader.GetFieldValue<string[]>(5)],
                CreatedBy = reader.GetString(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
                CancelledAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                LastFireAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            });
        }
        return schedules;
    }

    private static async Task<List<DrillRun>> ReadRunsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<DrillRun>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new DrillRun
            {
                Id = reader.GetInt64(0),
                ScheduleId = reader.IsDBNull(1) ? null : reader.GetString(1),
                RunbookId = reader.GetString(2),
                IncidentNumber = reader.IsDBNull(3) ? null : reader.GetInt32(3),
                ScheduledFor = reader.GetFieldValue<DateTimeOffset>(4),
                StartedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                Missed = reader.GetBoolean(6),
                Report = reader.IsDBNull(7) ? null : PostgresJson.Read<DrillReport>(reader.GetString(7)),
            });
        }
        return runs;
    }
}
