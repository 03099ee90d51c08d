using System.Text.Json.Nodes;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// Every query the bot makes reads its table through an index once the table is big: a schema with tens of thousands
/// of incidents, alerts, timeline entries, dead letters and delivered messages is analysed, then each query is
/// EXPLAINed with the planner left free to choose (no enable_seqscan tricks).
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresQueryPlanTests(PostgresServer server, ITestOutputHelper output)
{
    /// <summary>
    /// The group keys of a storm's batch, as the intake asks for them at once: some with an open incident, some whose
    /// incidents are all resolved (40 each), some never seen.
    /// </summary>
    private static readonly string BatchGroupKeys = "ARRAY[" + string.Join(", ",
        Enumerable.Range(19960, 11).Select(i => $"'open-{i}'")
            .Concat(Enumerable.Range(0, 11).Select(i => $"'group-{i * 7}'"))
            .Concat(Enumerable.Range(0, 11).Select(i => $"'unknown-{i}'"))) + "]";

    /// <summary>The store's own condition for a batch's open incidents, with the keys above.</summary>
    private static readonly string OpenOfBatchGroupKeys = PostgresIncidentStore.OpenOfGroupKeys.Replace("@keys", BatchGroupKeys, StringComparison.Ordinal);

    /// <summary>Name, the table that must not be scanned whole, the query.</summary>
    public static readonly (string Name, string Table, string Sql)[] Queries =
    [
        ("open incidents, newest first", "incidents", "SELECT * FROM incidents WHERE is_open ORDER BY number DESC LIMIT 100"),
        ("resolved incidents, newest first", "incidents", "SELECT * FROM incidents WHERE NOT is_open ORDER BY number DESC LIMIT 100"),
        ("all incidents, a page back from a number", "incidents", "SELECT * FROM incidents WHERE number < 15000 ORDER BY number DESC LIMIT 100"),
        ("incident by number", "incidents", "SELECT * FROM incidents WHERE number = 4242"),
        ("open incident by group key", "incidents", "SELECT * FROM incidents WHERE group_key = 'open-19990' AND is_open"),
        ("open incidents of a batch's group keys", "incidents", $"SELECT * FROM incidents WHERE {OpenOfBatchGroupKeys}"),
        // A commit checks the incidents it decided on from copies without changing them (IncidentChanges.Unchanged).
        ("incidents no longer at the version read", "incidents",
            PostgresIncidentStore.NoLongerAsRead.Replace("@number", "ARRAY[4242, 19990, 17, 999999]", StringComparison.Ordinal)
                .Replace("@version", "ARRAY[1, 2, 3, 4]", StringComparison.Ordinal)),
        // A resolved alert looked for in its group's resolved incidents (IncidentService.ResolveInClosedIncidentsAsync):
        // no index has group keys of resolved incidents, so it reads only the latest 1000 numbers, through the primary key.
        ("resolved incidents of a group key among the latest", "incidents",
            "SELECT * FROM incidents WHERE NOT is_open AND group_key = 'unknown-1' AND number > (SELECT coalesce(max(number), 0) FROM incidents) - 1000 ORDER BY number DESC LIMIT 3"),
        ("last incident number", "incidents", "SELECT max(number) FROM incidents"),
        // The on-call escalation sweep of every replica, every 10 s: only the asks that wait, through their partial index.
        // The reminder sweep of every replica, every 10 s: only the incidents whose reminder is due, through their index.
        ("open incidents whose reminder is due", "incidents", "SELECT * FROM incidents WHERE is_open AND reminder_due_at <= '2026-12-06T03:00:00Z' ORDER BY number DESC LIMIT 2147483647"),
        ("open incidents whose on-call ask waits", "incidents", $"SELECT * FROM incidents WHERE is_open AND {PostgresIncidentStore.OnCallWaiting} ORDER BY number DESC LIMIT 2147483647"),
        ("roles of an incident", "incident_roles", "SELECT * FROM incident_roles WHERE incident_number = 4242"),
        ("channels of an incident", "incident_channels", "SELECT * FROM incident_channels WHERE incident_number = 4242"),
        ("incident of a channel", "incident_channels", "SELECT incident_number FROM incident_channels WHERE platform = 'slack' AND channel_id = 'C4242'"),
        ("runbook sessions of an incident", "runbook_sessions", "SELECT * FROM runbook_sessions WHERE incident_number = 4242 ORDER BY ordinal"),
        ("alerts of an incident", "alerts", "SELECT * FROM alerts WHERE incident_number = 4242 ORDER BY first_seen_at"),
        ("alerts by id", "alerts", "SELECT * FROM alerts WHERE id = ANY (ARRAY['4242/alertmanager/f4242', '17/alertmanager/f17'])"),
        ("alert by incident, source and fingerprint", "alerts", "SELECT * FROM alerts WHERE incident_number = 4242 AND source = 'alertmanager' AND fingerprint = 'f4242'"),
        ("timeline of an incident", "timeline", "SELECT * FROM timeline WHERE incident_number = 4242 ORDER BY id"),
        // PostgresIncidentStore's own shapes: an incident's parts found through its key in the same batch, a listed
        // page's parts by their numbers, alerts in first-seen order, the next number, a commit replacing the parts.
        ("an open incident whole, by its group key", "incident_roles", """
            SELECT number, title, status,
                (SELECT coalesce(jsonb_object_agg(r.role, r.user_id), '{}') FROM incident_roles r WHERE r.incident_number = incidents.number)::text,
                (SELECT coalesce(jsonb_agg(jsonb_build_array(c.platform, c.channel_id, c.name) ORDER BY c.platform, c.channel_id), '[]')
                    FROM incident_channels c WHERE c.incident_number = incidents.number)::text,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('title', s.title, 'steps', s.steps) ORDER BY s.ordinal), '[]')
                    FROM runbook_sessions s WHERE s.incident_number = incidents.number)::text
            FROM incidents WHERE group_key = 'open-19990' AND is_open ORDER BY number DESC LIMIT 1
            """),
        ("the open incidents of a batch's group keys whole (FindOpenByGroupKeysAsync)", "incident_channels", $$"""
            SELECT number, title, status,
                (SELECT coalesce(jsonb_object_agg(r.role, r.user_id), '{}') FROM incident_roles r WHERE r.incident_number = incidents.number)::text,
                (SELECT coalesce(jsonb_agg(jsonb_build_array(c.platform, c.channel_id, c.name) ORDER BY c.platform, c.channel_id), '[]')
                    FROM incident_channels c WHERE c.incident_number = incidents.number)::text,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('title', s.title, 'steps', s.steps) ORDER BY s.ordinal), '[]')
                    FROM runbook_sessions s WHERE s.incident_number = incidents.number)::text
            FROM incidents WHERE {{OpenOfBatchGroupKeys}}
            """),
        ("a page of resolved incidents whole", "incident_channels", """
            SELECT number, title, status,
                (SELECT coalesce(jsonb_object_agg(r.role, r.user_id), '{}') FROM incident_roles r WHERE r.incident_number = incidents.number)::text,
                (SELECT coalesce(jsonb_agg(jsonb_build_array(c.platform, c.channel_id, c.name) ORDER BY c.platform, c.channel_id), '[]')
                    FROM incident_channels c WHERE c.incident_number = incidents.number)::text,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('title', s.title, 'steps', s.steps) ORDER BY s.ordinal), '[]')
                    FROM runbook_sessions s WHERE s.incident_number = incidents.number)::text
            FROM incidents WHERE NOT is_open AND number < 15000 ORDER BY number DESC LIMIT 100
            """),
        ("alerts of an incident, ties by id", "alerts", "SELECT * FROM alerts WHERE incident_number = 4242 ORDER BY first_seen_at, id"),
        // The header cards of a commit's incidents (IncidentTransaction.RefreshCardsAsync): each first alert through the index.
        ("first alerts of several incidents", "alerts",
            "SELECT * FROM alerts WHERE " + PostgresIncidentStore.FirstAlertsOf.Replace("@numbers", "ARRAY[4242, 17, 999999]", StringComparison.Ordinal)),
        ("the next incident number", "incidents", "SELECT n, EXISTS (SELECT 1 FROM incidents WHERE number = n) FROM (SELECT nextval('incident_number_seq')::integer AS n) s"),
        ("a commit replacing an incident's roles", "incident_roles", "DELETE FROM incident_roles WHERE incident_number = ANY (ARRAY[4242])"),
        ("a commit replacing an incident's sessions", "runbook_sessions", "DELETE FROM runbook_sessions WHERE incident_number = ANY (ARRAY[4241])"),
        ("runbook text of a version", "runbook_versions", "SELECT * FROM runbook_versions WHERE version = 'v1'"),
        ("inbox: claim the next entries (PostgresAlertInbox.ClaimAsync)", "inbox", """
            WITH claimable AS (
                SELECT id FROM inbox
                WHERE NOT dead_lettered AND (lease_until IS NULL OR lease_until < '2026-06-01T00:00:00Z')
                ORDER BY id LIMIT 50
                FOR UPDATE SKIP LOCKED)
            UPDATE inbox SET leased_by = 'replica-a', lease_until = '2026-06-01T00:01:00Z'
            FROM claimable WHERE inbox.id = claimable.id
            RETURNING inbox.id, received_at, alert::text, raw::text, attempts, last_error
            """),
        ("inbox: a failed attempt", "inbox", "UPDATE inbox SET attempts = attempts + 1, last_error = 'boom', dead_lettered = false WHERE id = 31005"),
        ("inbox: entries a commit consumed", "inbox", "DELETE FROM inbox WHERE id = ANY (ARRAY[31001, 31002, 31003]::bigint[])"),
        ("inbox: pending count", "inbox", "SELECT count(*) FROM inbox WHERE NOT dead_lettered"),
        ("inbox: anything pending", "inbox", "SELECT EXISTS (SELECT 1 FROM inbox WHERE NOT dead_lettered)"),
        ("outbox: each conversation's next item", "outbox", """
            SELECT DISTINCT ON (conversation_key) id, conversation_key, next_attempt_at, claimed_by, claim_until
            FROM outbox WHERE state = 'pending' ORDER BY conversation_key, id
            """),
        ("outbox: one conversation's pending items", "outbox", "SELECT * FROM outbox WHERE state = 'pending' AND conversation_key = 'slack/4242' ORDER BY id"),
        ("outbox: pending count", "outbox", "SELECT count(*) FROM outbox WHERE state = 'pending'"),
        ("outbox: claim what is due (PostgresOutbox.ClaimDueAsync)", "outbox", """
            WITH pending AS (
                SELECT id, next_attempt_at,
                       coalesce(claim_until > '2025-09-01T00:00:00Z' AND claimed_by IS DISTINCT FROM 'replica-a', false) AS held,
                       first_value(id) OVER (PARTITION BY conversation_key ORDER BY id) AS head_id
                FROM outbox WHERE state = 'pending'
            ), conversations AS (
                SELECT id, head_id,
                       bool_or(held) OVER (PARTITION BY head_id ORDER BY id) AS blocked,
                       first_value(next_attempt_at) OVER (PARTITION BY head_id ORDER BY id) AS head_due
                FROM pending
            ), claimable AS (
                SELECT id, head_id FROM conversations WHERE NOT blocked AND head_due <= '2025-09-01T00:00:00Z' ORDER BY head_id, id LIMIT 500
            )
            UPDATE outbox SET claimed_by = 'replica-a', claim_until = '2025-09-01T00:02:00Z'
            FROM claimable WHERE outbox.id = claimable.id AND outbox.state = 'pending'
            RETURNING claimable.head_id, outbox.id
            """),
        ("outbox: an item delivered", "outbox", "UPDATE outbox SET state = 'delivered', completed_at = now(), attempts = attempts + 1, claimed_by = NULL, claim_until = NULL WHERE id = 100150"),
        ("outbox: item by id", "outbox", "SELECT * FROM outbox WHERE id = 4242 FOR UPDATE"),
        ("dedupe key by key", "dedupe_keys", "SELECT expires_at FROM dedupe_keys WHERE key = 'slack:event:E4242'"),
        ("pruning expired dedupe keys", "dedupe_keys", "DELETE FROM dedupe_keys WHERE expires_at < '2026-01-01T01:00:00Z'"),
        ("platform reference by key", "platform_references", "SELECT value::text FROM platform_references WHERE platform = 'slack' AND kind = 'channel' AND key = '4242'"),
        ("platform references of an incident", "platform_references", "SELECT * FROM platform_references WHERE incident_number = 4242"),
        ("web room after a message", "room_messages", "SELECT * FROM room_messages WHERE incident_number = 4242 AND id > 0 ORDER BY id LIMIT 1000"),
        ("review versions of an incident", "review_versions", "SELECT * FROM review_versions WHERE incident_number = 4242 ORDER BY version"),
        ("drill runs of a schedule", "drill_runs", "SELECT * FROM drill_runs WHERE schedule_id = 'd7' ORDER BY scheduled_for DESC"),
        ("drill run of an incident", "drill_runs", "SELECT * FROM drill_runs WHERE incident_number = 4242"),
    ];

    [SkippableFact]
    public async Task EveryQueryOfTheBotReadsABigTableThroughAnIndex()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        await FillAsync(database);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        // The check would pass vacuously if a query without an index did not show up as a Seq Scan on its table.
        var unindexed = await PlanAsync(connection, "SELECT * FROM alerts WHERE title = 'Alert 4242'");
        Assert.Contains(unindexed, n => n.Type == "Seq Scan" && n.Table == "alerts");

        List<string> problems = [];
        foreach (var (name, table, sql) in Queries)
        {
            var plan = await PlanAsync(connection, sql);
            var summary = Summary(plan);
            output.WriteLine($"{name}: {summary}");
            if (plan.Any(n => n.Type == "Seq Scan" && n.Table == table) || !plan.Any(n => n.Type.Contains("Index", StringComparison.Ordinal)))
            {
                problems.Add($"{name}: {summary}");
            }
        }

        Assert.True(problems.Count == 0, "Queries that scan their whole table:\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// The store's statements with parameters, which it prepares: PostgreSQL may plan such a statement once for any
    /// values (a generic plan) and keep that plan, so it must probe its index with the values unknown and the table as
    /// it is in a storm's first seconds: a couple of thousand incidents, nearly all open. Name, table, statement
    /// with its parameters ($1, $2) and the values to EXPLAIN it with.
    /// </summary>
    public static readonly (string Name, string Table, string Sql, string Values)[] Prepared =
    [
        ("the open incidents of a batch's group keys", "incidents",
            "SELECT * FROM incidents WHERE " + PostgresIncidentStore.OpenOfGroupKeys.Replace("@keys", "$1", StringComparison.Ordinal),
            "ARRAY['storm-17', 'storm-2100', 'never-seen']"),
        ("incidents no longer at the version read", "incidents",
            PostgresIncidentStore.NoLongerAsRead.Replace("@number", "$1", StringComparison.Ordinal).Replace("@version", "$2", StringComparison.Ordinal),
            "ARRAY[17, 2100], ARRAY[1, 1]"),
        ("the version of an incident", "incidents", PostgresIncidentStore.VersionOfNumber.Replace("@key", "$1", StringComparison.Ordinal), "17"),
        ("the first alerts of incidents", "alerts",
            "SELECT * FROM alerts WHERE " + PostgresIncidentStore.FirstAlertsOf.Replace("@numbers", "$1", StringComparison.Ordinal), "ARRAY[17, 2100]"),
    ];

    [SkippableFact]
    public async Task EveryPreparedStatementOfTheStormProbesAnIndexWhateverItsValues()
    {
        var (_, connection) = await GenericPlansOnAsync("""
            INSERT INTO incidents (title, severity, status, group_key, created_at)
            SELECT 'Incident ' || i, 2, CASE WHEN i > 100 THEN 'triggered' ELSE 'resolved' END, 'storm-' || i, now()
            FROM generate_series(1, 2300) i;
            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at)
            SELECT i / 20 + 1 || '/alertmanager/f' || i, i / 20 + 1, 'alertmanager', 'f' || i, 'firing', 'Alert ' || i, now()
            FROM generate_series(0, 45999) i;
            """);
        await using var open = connection;

        // The check would pass vacuously if no shape got a scan here: the batch read as it was written before does.
        var before = await GenericPlanAsync(connection, "before",
            "SELECT * FROM incidents WHERE group_key IN (SELECT unnest($1::text[])) AND is_open", "ARRAY['storm-17']");
        Assert.Contains(before, n => n.Type == "Seq Scan" && n.Table == "incidents");

        List<string> problems = [];
        for (var i = 0; i < Prepared.Length; i++)
        {
            var (name, table, sql, values) = Prepared[i];
            var plan = await GenericPlanAsync(connection, $"p{i}", sql, values);
            var summary = Summary(plan);
            output.WriteLine($"{name}: {summary}");
            if (plan.Any(n => n.Type == "Seq Scan" && n.Table == table) || !plan.Any(n => n.Type.Contains("Index", StringComparison.Ordinal)))
            {
                problems.Add($"{name}: {summary}");
            }
        }
        Assert.True(problems.Count == 0, "Prepared statements whose generic plan scans their whole table:\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// The alerts of one webhook share their first-seen time, so an incident's first alert is one of many ties. Only
    /// the alert chosen may be read whole (its jsonb turned into text); a storm's hot incidents hold hundreds of ties.
    /// </summary>
    [SkippableFact]
    public async Task AnIncidentsFirstAlertIsTheOnlyOneOfItsTiesReadWhole()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        await Sql.ExecuteAsync(database, """
            INSERT INTO incidents (title, severity, status, group_key, created_at)
            SELECT 'Storm ' || n, 2, 'triggered', 'storm-' || n, now() FROM generate_series(1, 200) n;
            -- Two webhooks of 100 alerts each per incident, each webhook's alerts seen at the same moment.
            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at, labels, raw)
            SELECT n || '/alertmanager/f' || i, n, 'alertmanager', 'f' || i, 'firing', 'Alert ' || i,
                   '2026-12-07T03:00:00Z'::timestamptz + (i / 100) * interval '1 second',
                   jsonb_build_object('instance', 'host-' || i), jsonb_build_object('labels', jsonb_build_object('instance', 'host-' || i))
            FROM generate_series(1, 200) n, generate_series(0, 199) i;
            """);
        await Sql.ExecuteAsync(database, "VACUUM ANALYZE");
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        // The check would pass vacuously if no shape read ties whole: the read as it was written before reads all 100.
        var before = await MostRowsReadWholeAsync(connection,
            $"SELECT {PostgresIncidentStore.AlertColumns} FROM alerts WHERE incident_number = 7 ORDER BY first_seen_at, id LIMIT 1");
        Assert.True(before >= 100, $"the read as it was written before turned {before} payloads into text");

        var firstAlertOf = await MostRowsReadWholeAsync(connection,
            $"SELECT {PostgresIncidentStore.AlertColumns} FROM " + PostgresIncidentStore.FirstAlertOf.Replace("@key", "7", StringComparison.Ordinal));
        Assert.Equal(1, firstAlertOf);
    }

    /// <summary>
    /// A storm's first seconds: the store prepares its first-alert read while <c>alerts</c> holds a few hundred rows,
    /// and PostgreSQL may keep that generic plan while the table grows to a hundred thousand. Planned then, it must
    /// already probe the incident's index, or every read scans the whole table.
    /// </summary>
    [SkippableFact]
    public async Task TheFirstAlertReadPlannedOnASmallTableStillProbesItsIndex()
    {
        var (database, connection) = await GenericPlansOnAsync("""
            INSERT INTO incidents (title, severity, status, group_key, created_at)
            SELECT 'Storm ' || n, 2, 'triggered', 'storm-' || n, now() FROM generate_series(1, 2300) n;
            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at)
            SELECT i / 20 + 1 || '/alertmanager/f' || i, i / 20 + 1, 'alertmanager', 'f' || i, 'firing', 'Alert ' || i, now()
            FROM generate_series(0, 499) i;
            """);
        await using var open = connection;
        const string Before = "alerts WHERE id = ANY (ARRAY(SELECT (SELECT f.id FROM alerts f WHERE f.incident_number = n ORDER BY f.first_seen_at, f.id LIMIT 1) FROM unnest(ARRAY[$1::integer]) AS n))";
        await GenericPlanAsync(connection, "before", $"SELECT {PostgresIncidentStore.AlertColumns} FROM {Before}", "1");
        await GenericPlanAsync(connection, "now", $"SELECT {PostgresIncidentStore.AlertColumns} FROM " + PostgresIncidentStore.FirstAlertOf.Replace("@key", "$1", StringComparison.Ordinal), "1");

        await Sql.ExecuteAsync(database, """
            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at)
            SELECT i / 50 + 1 || '/alertmanager/g' || i, i / 50 + 1, 'alertmanager', 'g' || i, 'firing', 'Alert ' || i, now()
            FROM generate_series(0, 99999) i;
            """);

        // The check would pass vacuously if no shape kept a scan: the array shape tried on 7 December 2026 does.
        var before = await PlanAsync(connection, "EXECUTE before (17)");
        output.WriteLine("before: " + Summary(before));
        Assert.Contains(before, n => n.Type == "Seq Scan" && n.Table == "alerts");
        var now = await PlanAsync(connection, "EXECUTE now (17)");
        output.WriteLine("now: " + Summary(now));
        Assert.DoesNotContain(now, n => n.Type == "Seq Scan" && n.Table == "alerts");
        Assert.Contains(now, n => n.Index == "alerts_by_incident");
    }

    /// <summary>The most rows any step of the plan turned the raw payload into text for.</summary>
    private static async Task<double> MostRowsReadWholeAsync(NpgsqlConnection connection, string sql)
    {
        return (await ExplainAsync(connection, "ANALYZE, VERBOSE, FORMAT JSON", sql))
            .Where(n => n["Output"]?.AsArray().Any(o => ((string)o!).Contains("raw)::text", StringComparison.Ordinal)) == true)
            .Select(n => (double)n["Actual Rows"]! * (double)n["Actual Loops"]!)
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>
    /// A database at the bot's schema holding what <paramref name="fill"/> inserts, analysed, and a connection to it on
    /// which every prepared statement gets a generic plan, as one the store prepares may.
    /// </summary>
    private async Task<(string Database, NpgsqlConnection Connection)> GenericPlansOnAsync(string fill)
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        await Sql.ExecuteAsync(database, fill);
        await Sql.ExecuteAsync(database, "VACUUM ANALYZE");
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var generic = new NpgsqlCommand("SET plan_cache_mode = force_generic_plan", connection);
        await generic.ExecuteNonQueryAsync();
        return (database, connection);
    }

    private static async Task<List<(string Type, string? Table, string? Index)>> GenericPlanAsync(NpgsqlConnection connection, string name, string sql, string values)
    {
        await using (var prepare = new NpgsqlCommand($"PREPARE {name} AS {sql}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }
        return await PlanAsync(connection, $"EXECUTE {name} ({values})");
    }

    private static async Task<List<(string Type, string? Table, string? Index)>> PlanAsync(NpgsqlConnection connection, string sql)
    {
        return (await ExplainAsync(connection, "FORMAT JSON", sql))
            .Select(n => ((string)n["Node Type"]!, (string?)n["Relation Name"], (string?)n["Index Name"])).ToList();
    }

    /// <summary>Every step of the plan EXPLAIN (with <paramref name="options"/>, JSON among them) gives, from the top down.</summary>
    private static async Task<IEnumerable<JsonNode>> ExplainAsync(NpgsqlConnection connection, string options, string sql)
    {
        await using var explain = new NpgsqlCommand($"EXPLAIN ({options}) {sql}", connection);
        return Flatten(JsonNode.Parse((string)(await explain.ExecuteScalarAsync())!)![0]!["Plan"]!);
    }

    /// <summary>A plan in one line, for the test's output and its failure messages.</summary>
    private static string Summary(IEnumerable<(string Type, string? Table, string? Index)> plan) =>
        string.Join(" <- ", plan.Select(n => $"{n.Type} {n.Table} {n.Index}".Trim()));

    private static IEnumerable<JsonNode> Flatten(JsonNode node) =>
        new[] { node }.Concat(node["Plans"]?.AsArray().SelectMany(child => Flatten(child!)) ?? []);

    /// <summary>A year of a busy bot: 20,000 incidents of which 50 are open, and everything hanging off them.</summary>
    private static async Task FillAsync(string database)
    {
        await Sql.ExecuteAsync(database, """
            INSERT INTO incidents (title, severity, status, group_key, created_at, resolved_at)
            SELECT 'Incident ' || i, 1 + i % 4,
                   CASE WHEN i > 19950 THEN 'triggered' WHEN i % 2 = 0 THEN 'resolved' ELSE 'closed' END,
                   CASE WHEN i > 19950 THEN 'open-' || i ELSE 'group-' || i % 500 END,
                   '2025-01-01T00:00:00Z'::timestamptz + i * interval '20 minutes',
                   CASE WHEN i > 19950 THEN NULL ELSE '2025-01-01T01:00:00Z'::timestamptz + i * interval '20 minutes' END
            FROM generate_series(1, 20000) i;

            INSERT INTO incident_roles (incident_number, role, user_id)
            SELECT i, r, 'user-' || (i * 7 + length(r)) % 300 FROM generate_series(1, 20000) i, unnest(ARRAY['commander', 'comms']) r;

            INSERT INTO incident_channels (incident_number, platform, channel_id, name)
            SELECT i, p, CASE WHEN p = 'slack' THEN 'C' ELSE '19:' END || i, 'inc-' || i
            FROM generate_series(1, 20000) i, unnest(ARRAY['slack', 'teams']) p;

            INSERT INTO runbook_versions (version, runbook_id, file, markdown)
            SELECT 'v' || i, 'db-failover', 'db-failover.md', '# Failover ' || i FROM generate_series(1, 5000) i;
            INSERT INTO runbook_sessions (incident_number, ordinal, runbook_id, title, version, started_at, started_by, current_index, steps)
            SELECT i, 0, 'db-failover', 'Failover', 'v1', now(), 'alice', 1, '[{"title":"Check replication","state":"done"}]'
            FROM generate_series(1, 20000, 2) i;

            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at, labels, raw)
            SELECT n || '/alertmanager/f' || (CASE WHEN j = 0 THEN n::text ELSE n || '-' || j END), n, 'alertmanager',
                   'f' || (CASE WHEN j = 0 THEN n::text ELSE n || '-' || j END), 'resolved', 'Alert ' || n,
                   '2025-01-01T00:00:00Z'::timestamptz + n * interval '20 minutes' + j * interval '1 second',
                   jsonb_build_object('service', 'svc-' || n % 40), jsonb_build_object('labels', jsonb_build_object('alertname', 'A' || n))
            FROM generate_series(1, 20000) n, generate_series(0, 4) j;

            INSERT INTO timeline (incident_number, at, actor, kind, text)
            SELECT 1 + i % 20000, '2025-01-01T00:00:00Z'::timestamptz + i * interval '4 minutes', 'incidentbot', 'note', 'entry ' || i
            FROM generate_series(1, 100000) i;

            -- The inbox: dead letters kept for an operator, a storm's backlog leased by another replica, a few free.
            INSERT INTO inbox (received_at, alert, raw, dead_lettered, leased_by, lease_until, attempts)
            SELECT '2026-05-01T00:00:00Z'::timestamptz + i * interval '1 second', jsonb_build_object('fingerprint', 'f' || i), '{}',
                   i <= 30000, CASE WHEN i > 30000 AND i <= 31000 THEN 'replica-b' END,
                   CASE WHEN i > 30000 AND i <= 31000 THEN '2026-06-01T00:05:00Z'::timestamptz END, CASE WHEN i <= 30000 THEN 5 ELSE 0 END
            FROM generate_series(1, 31010) i;

            -- The outbox: 100,000 delivered messages of history, 200 pending in 50 conversations.
            INSERT INTO outbox (platform, incident_number, kind, message, created_at, next_attempt_at, state, attempts, completed_at)
            SELECT CASE WHEN i % 2 = 0 THEN 'slack' ELSE 'teams' END, 1 + i % 20000, 'post', '{"text":"update"}',
                   '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute', '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute',
                   CASE WHEN i > 100000 THEN 'pending' ELSE 'delivered' END, 1, CASE WHEN i > 100000 THEN NULL ELSE now() END
            FROM generate_series(1, 100200) i;

            -- Dedupe keys of the last month (they expire); each incident's references, and a few about the workspace.
            INSERT INTO dedupe_keys (key, expires_at)
            SELECT 'slack:event:E' || i, '2026-01-01T00:00:00Z'::timestamptz + i * interval '1 minute'
            FROM generate_series(1, 50000) i;
            INSERT INTO platform_references (platform, kind, key, incident_number, value)
            SELECT 'slack', k, CASE WHEN k = 'incident-of' THEN 'C' || i ELSE i::text END, i, jsonb_build_object('id', 'C' || i)
            FROM generate_series(1, 20000) i, unnest(ARRAY['channel', 'incident-of', 'bookmarked']) k;
            INSERT INTO platform_references (platform, kind, key, value)
            SELECT 'teams', 'tenant-service-url', 'tenant-' || i, '{"url":"https://smba.trafficmanager.net/amer/"}' FROM generate_series(1, 50) i;

            INSERT INTO room_messages (incident_number, at, author, text)
            SELECT 1 + i % 20000, now(), 'alice', 'message ' || i FROM generate_series(1, 60000) i;

            INSERT INTO reviews (incident_number) SELECT i FROM generate_series(1, 19950, 3) i;
            INSERT INTO review_versions (incident_number, version, markdown, author, saved_at)
            SELECT i, v, '# RCA', 'alice', now() FROM generate_series(1, 19950, 3) i, generate_series(1, 3) v;

            INSERT INTO drill_schedules (id, runbook_id, cron, time_zone, severity, created_by, created_at)
            SELECT 'd' || i, 'db-failover', '0 0 10 ? * MON', 'UTC', 3, 'alice', now() FROM generate_series(1, 50) i;
            INSERT INTO drill_runs (schedule_id, runbook_id, incident_number, scheduled_for)
            SELECT 'd' || (1 + i % 50), 'db-failover', CASE WHEN i % 2 = 0 THEN i END, now() - i * interval '1 day'
            FROM generate_series(1, 10000) i;
            """);
        // What autovacuum does on a live server: planner statistics and the visibility map for index-only scans.
        await Sql.ExecuteAsync(database, "VACUUM ANALYZE");
    }
}
