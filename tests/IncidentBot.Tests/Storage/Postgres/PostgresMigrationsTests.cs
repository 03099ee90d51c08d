using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

[Collection(PostgresServer.Collection)]
public sealed class PostgresMigrationsTests(PostgresServer server)
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task AFreshDatabaseGetsEveryScriptOnceAndASecondStartAppliesNothing()
    {
        var database = await server.CreateDatabaseAsync();

        var first = PostgresMigrations.Apply(database, LockWait);
        var second = PostgresMigrations.Apply(database, LockWait);

        Assert.Equal(PostgresMigrations.Scripts, first);
        Assert.Contains("0001_initial_schema.sql", first);
        Assert.Empty(second);
        Assert.Equal(PostgresMigrations.Scripts, await JournalAsync(database));
        var tables = await Sql.ListAsync<string>(database,
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
        Assert.Equal(
            ["alerts", "api_tokens", "data_protection_keys", "dedupe_keys", "drill_runs", "drill_schedules", "inbox", "incident_channels", "incident_roles", "incidents", "outbox",
             "platform_references", "probe", "qrtz_blob_triggers", "qrtz_calendars", "qrtz_cron_triggers",
             "qrtz_execution_history", "qrtz_fired_triggers", "qrtz_job_details", "qrtz_job_status", "qrtz_locks",
             "qrtz_misfire_history", "qrtz_paused_job_grps", "qrtz_paused_trigger_grps", "qrtz_scheduler_state",
             "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_triggers", "review_versions", "reviews", "room_messages", "runbook_sessions", "runbook_versions",
             "schema_versions", "timeline"],
            tables);
    }

    [SkippableFact]
    public async Task ReplicasStartingTogetherApplyTheScriptsOnceAndAllStart()
    {
        var database = await server.CreateDatabaseAsync();
        using var start = new Barrier(4);

        var runners = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return PostgresMigrations.Apply(database, LockWait);
        })).ToArray();
        var applied = await Task.WhenAll(runners);

        // Exactly one replica applied the scripts; the others waited for it, then found nothing to do.
        Assert.Single(applied, a => a.Count > 0);
        Assert.Equal(PostgresMigrations.Scripts, applied.Single(a => a.Count > 0));
        Assert.Equal(3, applied.Count(a => a.Count == 0));
        Assert.Equal(PostgresMigrations.Scripts, await JournalAsync(database));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    [SkippableFact]
    public async Task AReplicaThatWaitsTooLongForAnotherOnesMigrationGivesUpWithAClearProblem()
    {
        var database = await server.CreateDatabaseAsync();
        await using var other = new NpgsqlConnection(database);
        await other.OpenAsync();
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresMigrations.AdvisoryLockKey})", other))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var problem = Assert.Throws<PostgresMigrationException>(() => PostgresMigrations.Apply(database, TimeSpan.FromMilliseconds(300)));

        Assert.Contains("Another IncidentBot has been migrating this database", problem.Message);
        Assert.Empty(await Sql.ListAsync<string>(database,
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    [SkippableFact]
    public async Task ADatabaseANewerVersionMigratedIsUsedAsItIsWithAWarning()
    {
        // During a rolling update the previous version starts against a database the new one has migrated further.
        var database = await MigratedAsync();
        await Sql.ExecuteAsync(database, $"INSERT INTO {PostgresMigrations.JournalTable} (scriptname, applied) " +
            "VALUES ('IncidentBot.Storage.Postgres.Migrations.9999_from_the_future.sql', now())");
        var logger = new FakeLogger();

        var applied = PostgresMigrations.Apply(database, LockWait, logger);

        Assert.Empty(applied);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("9999_from_the_future.sql"));
    }

    [SkippableFact]
    public async Task TheIncidentSequenceNumbersIncidentsInTheCommitAndNeverReusesANumber()
    {
        var database = await MigratedAsync();

        var first = await Sql.ScalarAsync<int>(database, InsertIncident("checkout-5xx", "triggered"));
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var rolledBack = await connection.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand(InsertIncident("payments-latency", "triggered"), connection, rolledBack))
            {
                await insert.ExecuteScalarAsync();
            }
            await rolledBack.RollbackAsync();
        }
        var third = await Sql.ScalarAsync<int>(database, InsertIncident("payments-latency", "triggered"));

        Assert.Equal(1, first);
        Assert.Equal(3, third);
    }

    [SkippableFact]
    public async Task OnlyOneIncidentPerGroupKeyIsOpenAtATime()
    {
        var database = await MigratedAsync();
        await Sql.ScalarAsync<int>(database, InsertIncident("checkout-5xx", "acknowledged"));

        var second = await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync<int>(database, InsertIncident("checkout-5xx", "triggered")));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, second.SqlState);
        Assert.Equal("incidents_one_open_per_group_key", second.ConstraintName);

        // Keys compare exactly, a declared incident has none, and once the first is resolved the key is free again.
        await Sql.ScalarAsync<int>(database, InsertIncident("Checkout-5xx", "triggered"));
        await Sql.ScalarAsync<int>(database, InsertIncident(null, "triggered"));
        await Sql.ScalarAsync<int>(database, InsertIncident(null, "triggered"));
        await Sql.ExecuteAsync(database, "UPDATE incidents SET status = 'resolved' WHERE group_key = 'checkout-5xx'");
        await Sql.ScalarAsync<int>(database, InsertIncident("checkout-5xx", "triggered"));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM incidents WHERE group_key = 'checkout-5xx'"));
    }

    [SkippableFact]
    public async Task OfTwoWritersOfTheSameIncidentVersionTheSecondChangesNothing()
    {
        var database = await MigratedAsync();
        var number = await Sql.ScalarAsync<int>(database, InsertIncident("checkout-5xx", "triggered"));
        const string Update = "UPDATE incidents SET status = @status, version = version + 1 WHERE number = @number AND version = @read";

        var acknowledged = await Sql.ExecuteAsync(database, Update, ("status", "acknowledged"), ("number", number), ("read", 1));
        var resolved = await Sql.ExecuteAsync(database, Update, ("status", "resolved"), ("number", number), ("read", 1));

        Assert.Equal(1, acknowledged);
        Assert.Equal(0, resolved);
        Assert.Equal("acknowledged", await Sql.ScalarAsync<string>(database, $"SELECT status FROM incidents WHERE number = {number}"));
        Assert.Equal(2, await Sql.ScalarAsync<int>(database, $"SELECT version FROM incidents WHERE number = {number}"));
    }

    [SkippableFact]
    public async Task TwoProcessorsClaimingTheInboxTogetherNeverTakeTheSameEntry()
    {
        var database = await MigratedAsync();
        await Sql.ExecuteAsync(database, """
            INSERT INTO inbox (received_at, alert, raw)
            SELECT now(), jsonb_build_object('source', 'alertmanager', 'fingerprint', 'f' || i), '{"status":"firing"}'
            FROM generate_series(1, 10) i
            """);
        const string Claim = """
            WITH next AS (
                SELECT id FROM inbox
                WHERE NOT dead_lettered AND (lease_until IS NULL OR lease_until <= now())
                ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED)
            UPDATE inbox SET leased_by = @owner, lease_until = now() + interval '30 seconds'
            FROM next WHERE inbox.id = next.id
            RETURNING inbox.id
            """;
        await using var a = new NpgsqlConnection(database);
        await using var b = new NpgsqlConnection(database);
        await a.OpenAsync();
        await b.OpenAsync();
        await using var ta = await a.BeginTransactionAsync();
        await using var tb = await b.BeginTransactionAsync();

        // A has claimed but not committed when B claims: B skips A's locked rows instead of waiting or taking them.
        var claimedByA = await ReadIdsAsync(new NpgsqlCommand(Claim, a, ta) { Parameters = { new("owner", "replica-a") } });
        var claimedByB = await ReadIdsAsync(new NpgsqlCommand(Claim, b, tb) { Parameters = { new("owner", "replica-b") } });
        await ta.CommitAsync();
        await tb.CommitAsync();

        Assert.Equal([1L, 2, 3, 4], claimedByA);
        Assert.Equal([5L, 6, 7, 8], claimedByB);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM inbox WHERE leased_by IS NULL"));
    }

    [SkippableFact]
    public async Task RawAlertPayloadsAreStoredAsJsonThatCanBeQueried()
    {
        var database = await MigratedAsync();
        var number = await Sql.ScalarAsync<int>(database, InsertIncident("checkout-5xx", "triggered"));
        await Sql.ExecuteAsync(database, $$"""
            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at, labels, raw)
            VALUES ('{{number}}/alertmanager/abc', {{number}}, 'alertmanager', 'abc', 'firing', 'Checkout 5xx', now(),
                    '{"service":"checkout"}', '{"labels":{"alertname":"Checkout5xx","service":"checkout"},"status":"firing"}')
            """);

        Assert.Equal("Checkout5xx", await Sql.ScalarAsync<string>(database, "SELECT raw -> 'labels' ->> 'alertname' FROM alerts"));
        await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(database,
            $"UPDATE alerts SET raw = 'not json' WHERE incident_number = {number}"));
    }

    private async Task<string> MigratedAsync()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, LockWait);
        return database;
    }

    private static string InsertIncident(string? groupKey, string status) => $"""
        INSERT INTO incidents (title, severity, status, group_key, created_at)
        VALUES ('t', 2, '{status}', {(groupKey is null ? "NULL" : $"'{groupKey}'")}, now()) RETURNING number
        """;

    private static Task<List<string>> JournalAsync(string database) =>
        Sql.ListAsync<string>(database,
            $"SELECT substring(scriptname from length('IncidentBot.Storage.Postgres.Migrations.') + 1) FROM {PostgresMigrations.JournalTable} ORDER BY schemaversionsid");

    private static async Task<List<long>> ReadIdsAsync(NpgsqlCommand command)
    {
        await using (command)
        {
            List<long> ids = [];
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
            ids.Sort();
            return ids;
        }
    }
}
