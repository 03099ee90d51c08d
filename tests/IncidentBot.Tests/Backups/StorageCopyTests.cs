using System.Net;
using System.Text;
using System.Text.Json;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Postgres;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IncidentBot.Tests.Backups;

/// <summary>
/// <c>storage copy &lt;litedb-file&gt; "&lt;connection string&gt;"</c> run as an operator runs it (a real process),
/// from a data file a real bot wrote, into a fresh PostgreSQL database, checked row by row with SQL.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class StorageCopyTests(PostgresServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-storage-copy-").FullName;

    private string DataFile => Path.Combine(_folder, "incidentbot.db");

    [SkippableFact]
    public async Task ABusyDataFileIsCopiedWholeWithItsNumbersPayloadsAndStates()
    {
        var database = await server.CreateDatabaseAsync();
        var busy = await BusyDataFile.CreateAsync(_folder);
        var expected = ExpectedRows(busy);

        var copy = await CopyAsync(DataFile, database);

        Assert.True(copy.ExitCode == 0, copy.ToString());
        Assert.Contains("Copied: every count matches.", copy.Output);
        Assert.DoesNotContain(Password(database), copy.Output + copy.Errors);
        foreach (var table in PostgresImport.Tables)
        {
            Assert.True(expected[table] > 0, $"the data file should hold some {table}");
            Assert.Equal((table, expected[table]), (table, await Sql.ScalarAsync<long>(database, $"SELECT count(*) FROM {table}")));
            Assert.Matches($@"\n  {table} +{expected[table]:N0} +{expected[table]:N0}\r?\n", copy.Output); // the closing table, source beside target
        }

        // Raw payloads are the sources' JSON as jsonb: equal in meaning to the published fixtures.
        Assert.True(await Sql.ScalarAsync<bool>(database, "SELECT raw = @fixture::jsonb FROM alerts WHERE source = 'opsgenie'",
            ("fixture", Fixtures.Read("alerts/opsgenie/webhook-create.json"))));
        Assert.True(await Sql.ScalarAsync<bool>(database, "SELECT raw = @fixture::jsonb FROM alerts WHERE source = 'azure-monitor'",
            ("fixture", Fixtures.Read("alerts/azure-monitor/common-schema-metric-fired.json"))));
        using (var alertmanager = JsonDocument.Parse(Fixtures.Read("alerts/alertmanager/firing-two-alerts.json")))
        {
            var first = alertmanager.RootElement.GetProperty("alerts")[0];
            Assert.True(await Sql.ScalarAsync<bool>(database, "SELECT raw = @fixture::jsonb FROM alerts WHERE source = 'alertmanager' AND fingerprint = @fingerprint",
                ("fixture", first.GetRawText()), ("fingerprint", first.GetProperty("fingerprint").GetString()!)));
        }
        Assert.Equal("High CPU Temperature", await Sql.ScalarAsync<string>(database, "SELECT labels ->> 'alertname' FROM alerts WHERE fingerprint = 'a1bc48475b20e73d'"));

        // The declared incident: number, version, roles, its runbook walk and both review versions.
        using (var stored = new LiteDbStorage(busy.Path, NullLogger<LiteDbStorage>.Instance))
        {
            var incident = stored.Find(busy.Declared)!;
            Assert.Equal(
                $"Checkout is down|1|resolved|{incident.Version}|disk expanded",
                await Sql.ScalarAsync<string>(database, $"SELECT concat_ws('|', title, severity, status, version, resolution_summary) FROM incidents WHERE number = {busy.Declared}"));
            Assert.Equal(
                stored.TimelineOf(busy.Declared).Select(t => t.Id).ToArray(),
                await Sql.ScalarAsync<long[]>(database, $"SELECT array_agg(id ORDER BY id) FROM timeline WHERE incident_number = {busy.Declared}"));
        }
        Assert.Equal("commander=alice,comms=bob", await Sql.ScalarAsync<string>(database,
            $"SELECT string_agg(role || '=' || user_id, ',' ORDER BY role) FROM incident_roles WHERE incident_number = {busy.Declared}"));
        Assert.Equal("disk-filling-up|done|alice|skipped|not on this cluster", await Sql.ScalarAsync<string>(database, $"""
            SELECT concat_ws('|', runbook_id, steps -> 0 ->> 'state', steps -> 0 -> 'checklist' -> 0 ->> 'by', steps -> 1 ->> 'state', steps -> 1 ->> 'skipReason')
            FROM runbook_sessions WHERE incident_number = {busy.Declared}
            """));
        Assert.Equal("1:incidentbot,2:alice", await Sql.ScalarAsync<string>(database,
            $"SELECT string_agg(version || ':' || author, ',' ORDER BY version) FROM review_versions WHERE incident_number = {busy.Declared}"));
        Assert.True(await Sql.ScalarAsync<bool>(database, $"SELECT markdown LIKE '%What we learned%' FROM review_versions WHERE incident_number = {busy.Declared} AND version = 2"));
        Assert.Equal("alice", await Sql.ScalarAsync<string>(database,
            $"SELECT author FROM room_messages WHERE incident_number = {busy.Declared} AND text = 'note the volume was 97% full'"));
        Assert.True(await Sql.ScalarAsync<long>(database, $"SELECT count(*) FROM room_messages WHERE incident_number = {busy.Declared} AND message IS NOT NULL") > 0);

        // The drill: its incident, its run and its schedule.
        Assert.True(await Sql.ScalarAsync<bool>(database, $"SELECT is_drill FROM incidents WHERE number = {busy.Drill}"));
        Assert.Equal("queue-backlog", await Sql.ScalarAsync<string>(database, $"SELECT runbook_id FROM drill_runs WHERE incident_number = {busy.Drill} AND schedule_id IS NULL"));
        Assert.Equal("0 0 10 ? * TUE|2", await Sql.ScalarAsync<string>(database, "SELECT concat_ws('|', cron, severity) FROM drill_schedules"));

        // Outbox items keep their state, attempts and errors; nobody's claim is copied.
        Assert.Equal("pending|1|slack answered 429 ratelimited|", await OutboxAsync(database, busy.PendingOutboxItem));
        Assert.Equal("failed|2|slack answered channel_not_found|done", await OutboxAsync(database, busy.FailedOutboxItem));
        Assert.Equal("delivered|2|slack timed out|done", await OutboxAsync(database, busy.DeliveredOutboxItem));
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL OR claim_until IS NOT NULL"));

        // Inbox entries: the alert without its raw payload, which has a column of its own (a string when it was no JSON).
        Assert.True(await Sql.ScalarAsync<bool>(database, $"SELECT raw = @fixture::jsonb AND NOT dead_lettered AND NOT alert ? 'raw' FROM inbox WHERE id = {busy.WaitingInboxEntry}",
            ("fixture", Fixtures.Read("alerts/sentry/issue-created.json"))));
        Assert.Equal($"string|{BusyDataFile.UnparsableRaw}|t|1|normaliser threw|inbox-dead", await Sql.ScalarAsync<string>(database,
            $"SELECT concat_ws('|', jsonb_typeof(raw), raw #>> '{{}}', dead_lettered, attempts, last_error, alert ->> 'fingerprint') FROM inbox WHERE id = {busy.DeadLetter}"));
        Assert.True(await Sql.ScalarAsync<bool>(database, "SELECT raw IS NULL FROM inbox WHERE alert ->> 'fingerprint' = 'inbox-no-raw'"));

        // References are kept for good; of the dedupe keys only the one still fresh, with its expiry.
        Assert.Equal($"C0CHECKOUT|{busy.Declared}", await Sql.ScalarAsync<string>(database, $"SELECT concat_ws('|', value ->> 'id', incident_number) FROM platform_references WHERE platform = 'slack' AND kind = 'channel' AND key = '{busy.Declared}'"));
        Assert.True(await Sql.ScalarAsync<bool>(database, "SELECT expires_at > now() FROM dedupe_keys WHERE key = 'slack:event:Ev-still-fresh'"));
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM dedupe_keys WHERE key = 'slack:event:Ev-long-gone'"));

        // API tokens: hashes (never a token), roles, creators, last uses and revocations, as the file had them.
        Assert.Equal(
            $"ci|responder|{IncidentBot.Access.ApiTokens.Hash(BusyDataFile.CiToken)}|alice|t|f;grafana|viewer|bob|f|f;old-deploy|lead|alice|t|t",
            await Sql.ScalarAsync<string>(database, $"""
                SELECT string_agg(concat_ws('|', name, role, CASE WHEN name = 'ci' THEN token_hash END, created_by, last_used_at IS NOT NULL, revoked_at IS NOT NULL), ';' ORDER BY name) FROM api_tokens
                """));
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, $"SELECT count(*) FROM api_tokens WHERE token_hash LIKE 'ibt_%' OR created_by LIKE '%{BusyDataFile.CiToken}%'"));

        // What the bot writes next continues the numbering.
        var last = await Sql.ScalarAsync<int>(database, "SELECT max(number) FROM incidents");
        Assert.Equal(last + 1, await Sql.ScalarAsync<int>(database,
            "INSERT INTO incidents (title, severity, status, created_at) VALUES ('After the move', 3, 'triggered', now()) RETURNING number"));
        foreach (var table in new[] { "timeline", "room_messages" })
        {
            var highest = await Sql.ScalarAsync<long>(database, $"SELECT max(id) FROM {table}");
            var next = await Sql.ScalarAsync<long>(database, table == "timeline"
                ? $"INSERT INTO timeline (incident_number, at, actor, kind, text) VALUES ({last + 1}, now(), 'alice', 'note', 'hello') RETURNING id"
                : $"INSERT INTO room_messages (incident_number, at, author, text) VALUES ({last + 1}, now(), 'alice', 'hello') RETURNING id");
            Assert.Equal(highest + 1, next);
        }
        Assert.Equal(busy.DeadLetter + 2, await Sql.ScalarAsync<long>(database,
            """INSERT INTO inbox (received_at, alert) VALUES (now(), '{"title":"x"}') RETURNING id"""));
        Assert.Equal(busy.DeliveredOutboxItem + 1, await Sql.ScalarAsync<long>(database,
            "INSERT INTO outbox (platform, kind, created_at, next_attempt_at) VALUES ('slack', 'post', now(), now()) RETURNING id"));
    }

    public static TheoryData<string> Occupied => new() { "copied before", "one incident", "one reference", "other tables" };

    [SkippableTheory]
    [MemberData(nameof(Occupied))]
    public async Task ADatabaseThatIsNotEmptyIsRefusedAndLeftAsItWas(string occupant)
    {
        var database = await server.CreateDatabaseAsync();
        await using (var app = new IncidentBotApplication(dataFolder: _folder))
        {
            await app.CommandAsync(null, "alice", "declare Payments are slow sev2");
        }
        switch (occupant)
        {
            case "copied before":
                var copied = await CopyAsync(DataFile, database);
                Assert.True(copied.ExitCode == 0, copied.ToString());
                break;
            case "one incident":
                PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
                await Sql.ExecuteAsync(database, "INSERT INTO incidents (number, title, severity, status, created_at) VALUES (7, 'Someone else''s', 2, 'triggered', now())");
                break;
            case "one reference":
                PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
                await Sql.ExecuteAsync(database, "INSERT INTO platform_references (platform, kind, key, value) VALUES ('slack', 'channel', '7', '{\"id\":\"C7\"}')");
                break;
            default:
                await Sql.ExecuteAsync(database, "CREATE TABLE customers (id integer PRIMARY KEY); INSERT INTO customers VALUES (1)");
                break;
        }
        var before = await SnapshotAsync(database);

        var copy = await CopyAsync(DataFile, database);

        Assert.Equal(1, copy.ExitCode);
        Assert.StartsWith("Nothing was copied into ", copy.Errors);
        Assert.Contains("the database is not empty", copy.Errors);
        Assert.Contains(occupant == "other tables" ? "tables of something else (customers)" : "already holds IncidentBot data (", copy.Errors);
        Assert.DoesNotContain(Password(database), copy.Output + copy.Errors);
        Assert.Equal(before, await SnapshotAsync(database));
        Assert.Empty(Directory.GetFiles(_folder, "*storage-copy*"));
    }

    [SkippableFact]
    public async Task ACopyThatFailsHalfWayLeavesTheDatabaseEmpty()
    {
        var database = await server.CreateDatabaseAsync();
        await using (var app = new IncidentBotApplication(dataFolder: _folder))
        {
            await app.CommandAsync(null, "alice", "declare Payments are slow sev2");
        }
        // Two open incidents of one alert group: PostgreSQL's unique index refuses what an old LiteDB file may hold.
        using (var db = new LiteDatabase(DataFile))
        {
            var incidents = db.GetCollection("incidents");
            foreach (var number in new[] { 1, 2 })
            {
                var incident = incidents.FindById(1);
                incident["_id"] = number;
                incident["GroupKey"] = "checkout-5xx";
                incidents.Upsert(incident);
            }
        }

        var copy = await CopyAsync(DataFile, database);

        Assert.Equal(1, copy.ExitCode);
        Assert.Contains("PostgreSQL refused a row", copy.Errors);
        Assert.Contains("incidents_one_open_per_group_key", copy.Errors);
        Assert.Contains("The copy was rolled back.", copy.Errors);
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM incidents"));
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM incident_roles"));
    }

    public static TheoryData<string, string> BadConnectionStrings => new()
    {
        { $"Host=127.0.0.1;Port=not-a-port;Password={Secret}", "is not a valid PostgreSQL connection string" },
        { $"Database=incidentbot;Username=incidentbot;Password={Secret}", "names no Host" },
        { $"Host=127.0.0.1;Port={ClosedPort()};Username=incidentbot;Password={Secret};Database=incidentbot", "connection refused" },
        { $"postgres://incidentbot:{Secret}@127.0.0.1/incidentbot", "is not a valid PostgreSQL connection string" },
    };

    private const string Secret = "s3cret-Passw0rd-9f8e";

    [Theory]
    [MemberData(nameof(BadConnectionStrings))]
    public async Task ABadConnectionStringIsNamedWithoutItsPassword(string connectionString, string expected)
    {
        File.WriteAllBytes(DataFile, new byte[8192]);

        var copy = await CopyAsync(DataFile, connectionString);

        Assert.Equal(1, copy.ExitCode);
        Assert.StartsWith("Nothing was copied: ", copy.Errors);
        Assert.Contains(expected, copy.Errors);
        Assert.DoesNotContain("ConnectionStrings:IncidentBot", copy.Errors);
        Assert.DoesNotContain(Secret, copy.Output + copy.Errors);
        Assert.Single(Directory.GetFiles(_folder)); // no snapshot left behind
    }

    [SkippableFact]
    public async Task AWrongPasswordIsRefusedWithoutPrintingIt()
    {
        var database = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync()) { Password = Secret }.ConnectionString;
        File.WriteAllBytes(DataFile, new byte[8192]);

        var copy = await CopyAsync(DataFile, database);

        Assert.Equal(1, copy.ExitCode);
        Assert.Contains("refused the password for user", copy.Errors);
        Assert.DoesNotContain(Secret, copy.Output + copy.Errors);
    }

    [SkippableFact]
    public async Task AMissingDataFileIsNamed()
    {
        var database = await server.CreateDatabaseAsync();

        var copy = await CopyAsync(Path.Combine(_folder, "nowhere.db"), database);

        Assert.Equal(1, copy.ExitCode);
        Assert.Equal($"Nothing was copied: there is no data file at {Path.Combine(_folder, "nowhere.db")}.", copy.Errors.Trim());
        Assert.Empty(await TablesAsync(database));
    }

    public static TheoryData<string, string> NotDataFiles => new()
    {
        { "notes", "is not an IncidentBot data file: a LiteDB file is a whole number of 8 KiB pages" },
        { "empty", "is not an IncidentBot data file: a LiteDB file is a whole number of 8 KiB pages" },
        { "zeros", "is not a readable IncidentBot data file" },
        { "another application's LiteDB file", "is a LiteDB file, but not an IncidentBot data file" },
        { "a newer schema", "has schema version 99, newer than this IncidentBot understands" },
    };

    [SkippableTheory]
    [MemberData(nameof(NotDataFiles))]
    public async Task AFileThatIsNoIncidentBotDataFileIsRefusedBeforeTheDatabaseIsTouched(string kind, string expected)
    {
        var database = await server.CreateDatabaseAsync();
        var file = Path.Combine(_folder, "other.db");
        switch (kind)
        {
            case "notes":
                File.WriteAllText(file, "these are notes, not a database");
                break;
            case "empty":
                File.WriteAllBytes(file, []);
                break;
            case "zeros":
                File.WriteAllBytes(file, new byte[8192 * 4]);
                break;
            case "another application's LiteDB file":
                using (var other = new LiteDatabase(file))
                {
                    other.GetCollection("customers").Insert(new BsonDocument { ["name"] = "Ada" });
                }
                break;
            default:
                using (var newer = new LiteDatabase(file))
                {
                    newer.GetCollection("incidents").Insert(new BsonDocument { ["_id"] = 1 });
                    newer.UserVersion = 99;
                }
                break;
        }
        var bytes = File.ReadAllBytes(file);

        var copy = await CopyAsync(file, database);

        Assert.Equal(1, copy.ExitCode);
        Assert.StartsWith($"Nothing was copied: {file} ", copy.Errors);
        Assert.Contains(expected, copy.Errors);
        Assert.Empty(await TablesAsync(database));
        Assert.Equal(bytes, File.ReadAllBytes(file));
        Assert.Equal(["other.db"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [SkippableFact]
    public async Task AFileARunningBotHasOpenIsRefusedAndTheBotGoesOn()
    {
        var database = await server.CreateDatabaseAsync();
        await using var bot = await BotProcess.StartAsync(_folder);

        var copy = await CopyAsync(DataFile, database);

        Assert.Equal(1, copy.ExitCode);
        Assert.Contains($"Nothing was copied: {DataFile} is open in another process, most likely a running IncidentBot. Stop the bot first", copy.Errors);
        Assert.Empty(await TablesAsync(database));
        var accepted = await bot.Client.PostAsync("/webhooks/generic", new StringContent("""{"title":"Still here","dedupKey":"k"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Empty(Directory.GetFiles(_folder, "*storage-copy*"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private Task<BotTool.Result> CopyAsync(string file, string connectionString) =>
        BotTool.RunAsync(_folder, new Dictionary<string, string>(), "storage", "copy", file, connectionString);

    private static string Password(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Password!;

    private static Task<string> OutboxAsync(string database, long id) => Sql.ScalarAsync<string>(database,
        $"SELECT concat_ws('|', state, attempts, last_error, CASE WHEN completed_at IS NOT NULL THEN 'done' ELSE '' END) FROM outbox WHERE id = {id}");

    private static Task<List<string>> TablesAsync(string database) =>
        Sql.ListAsync<string>(database, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");

    /// <summary>Every table with its row count, to tell that nothing changed.</summary>
    private static async Task<string> SnapshotAsync(string database)
    {
        var tables = await TablesAsync(database);
        var counts = new List<string>();
        foreach (var table in tables)
        {
            counts.Add($"{table}:{await Sql.ScalarAsync<long>(database, $"SELECT count(*) FROM {table}")}");
        }
        return string.Join(",", counts);
    }

    /// <summary>What the data file holds, read through the LiteDB store's own queries (not the export the command uses).</summary>
    private static Dictionary<string, long> ExpectedRows(BusyDataFile busy)
    {
        Dictionary<string, long> expected;
        using (var stored = new LiteDbStorage(busy.Path, NullLogger<LiteDbStorage>.Instance))
        {
            var incidents = stored.List(new IncidentQuery(IncidentStatusFilter.All, Limit: 10_000));
            var reviews = stored.Rcas();
            var schedules = stored.Schedules();
            expected = new Dictionary<string, long>
            {
                ["incidents"] = incidents.Count,
                ["incident_roles"] = incidents.Sum(i => i.Roles.Count),
                ["incident_channels"] = incidents.Sum(i => i.Channels.Count),
                ["runbook_sessions"] = incidents.Sum(i => i.RunbookSessions.Count),
                ["runbook_versions"] = incidents.SelectMany(i => i.RunbookSessions).Select(s => s.Version).Distinct().Count(),
                ["alerts"] = incidents.Sum(i => stored.AlertsOf(i.Number).Count),
                ["timeline"] = incidents.Sum(i => stored.TimelineOf(i.Number).Count),
                ["inbox"] = 3,
                ["room_messages"] = incidents.Sum(i => stored.RoomOf(i.Number, limit: 100_000).Count),
                ["reviews"] = reviews.Count,
                ["review_versions"] = reviews.Sum(r => r.Versions.Count),
                ["drill_schedules"] = schedules.Count,
                ["drill_runs"] = incidents.Count(i => stored.FindRunByIncident(i.Number) is not null) + schedules.Sum(s => stored.RunsOf(s.Id).Count(r => r.IncidentNumber is null)),
                ["platform_references"] = 2,
                ["dedupe_keys"] = 1, // the one that has not expired
                ["api_tokens"] = stored.ApiTokenList().Count,
            };
        }
        // The outbox has no query for all of it: its documents are counted.
        using var raw = new LiteDatabase(new ConnectionString { Filename = busy.Path, Connection = ConnectionType.Direct, ReadOnly = true });
        expected["outbox"] = raw.GetCollection("outbox").LongCount();
        return expected;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
