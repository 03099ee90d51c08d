using System.Diagnostics;
using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>
/// The bot process on PostgreSQL under a storm, while things break: the bot is killed, the database server stops,
/// the database refuses writes. Senders are told to retry (503 with Retry-After) and never wait long; whatever
/// got a 202 is stored and attached to exactly one open incident per key; the bot recovers by itself.
/// </summary>
[Collection(StoppablePostgres.Collection)]
public sealed class PostgresFaultTests(StoppablePostgres postgres) : IDisposable
{
    /// <summary>How long a refusal may take: a sender must never hang while the database is away.</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(3);

    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-pg-fault-").FullName;

    [SkippableFact]
    public async Task KillDuringAStormLosesNoAcknowledgedAlertAndOpensNoIncidentTwice()
    {
        var settings = await postgres.BotOnFreshDatabaseAsync();
        WebhookStorm storm;
        await using (var bot = await BotProcess.StartAsync(_data, settings))
        {
            // Every request must be acknowledged until the kill; after it a failed connection means the process is gone.
            storm = WebhookStorm.Start(bot, alertsPerSender: 2_000, allowedRefusal: null, stopSenderWhenUnanswered: true);
            await storm.WaitForAcknowledgedAsync(400);
            bot.Kill();
            await storm.StopAsync();
        }

        await using var restarted = await BotProcess.StartAsync(_data, settings);
        var attached = await CrashDurabilityTests.SettledAlertsAsync(restarted, storm.Acknowledged.Count);

        var acked = storm.Acknowledged.ToHashSet();
        Assert.Equal(attached.Count, attached.Distinct().Count());
        Assert.Empty(acked.Except(attached));
        Assert.Subset(storm.Unanswered.ToHashSet(), attached.Except(acked).ToHashSet());
        await AssertOneIncidentPerKeyAsync(restarted, settings, attached);
    }

    [SkippableFact]
    public async Task ServerStoppedMidStormAnswers503QuicklyThenEverythingResumesByItselfAndNothingAcknowledgedIsLost()
    {
        var server = postgres.Server;
        var settings = await postgres.BotOnFreshDatabaseAsync();
        await using var bot = await BotProcess.StartAsync(_data, settings);
        using var client = new HttpClient { BaseAddress = bot.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var storm = WebhookStorm.Start(bot, alertsPerSender: 100_000, allowedRefusal: HttpStatusCode.ServiceUnavailable, stopSenderWhenUnanswered: false);
        try
        {
            await storm.WaitForAcknowledgedAsync(300);

            await server.StopServerAsync();
            await Eventually.TrueAsync(() => storm.Refused.Count > 0, "the storm's webhooks to be refused", TimeSpan.FromSeconds(30));
            await AssertRefusingQuicklyAsync(client, "server down");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

            await server.StartServerAsync();
            await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
                "readiness to come back by itself", TimeSpan.FromSeconds(60));
            var before = storm.Acknowledged.Count;
            await storm.WaitForAcknowledgedAsync(before + 300);
        }
        finally
        {
            await storm.StopAsync();
        }

        Assert.Equal(0, storm.RefusedWithoutRetryAfter);
        Assert.True(storm.SlowestAnswer < TimeSpan.FromSeconds(10), $"a webhook waited {storm.SlowestAnswer} for its answer");
        var attached = await CrashDurabilityTests.SettledAlertsAsync(bot, storm.Acknowledged.Count);
        var acked = storm.Acknowledged.ToHashSet();
        Assert.Equal(attached.Count, attached.Distinct().Count());
        Assert.Empty(acked.Except(attached));
        // A refused alert may have been stored after all (the connection broke after its commit); its sender's
        // retry finds it there. Nothing comes from anywhere else.
        Assert.Subset(acked.Union(storm.Refused).Union(storm.Unanswered).ToHashSet(), attached.ToHashSet());
        await AssertOneIncidentPerKeyAsync(bot, settings, attached);
    }

    public static TheoryData<string> WaysToRefuseWrites => ["server: ALTER SYSTEM and reload", "database: ALTER DATABASE and new sessions"];

    [SkippableTheory]
    [MemberData(nameof(WaysToRefuseWrites))]
    public async Task ReadOnlyDatabaseAnswers503AndFailsReadinessThenRecoversWithoutARestart(string way)
    {
        var server = postgres.Server;
        var settings = await postgres.BotOnFreshDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:IncidentBot"]).Database!;
        await using var bot = await BotProcess.StartAsync(_data, settings);
        var client = bot.Client;
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client, Alert("before"))).StatusCode);

        var readOnly = true;
        await server.SuperuserSqlAsync(way.StartsWith("server") ? ReadOnlyServer(on: true) : ReadOnlyDatabase(database, on: true));
        try
        {
            await Eventually.TrueAsync(async () => (await PostAsync(client, Alert("probe"))).StatusCode == HttpStatusCode.ServiceUnavailable,
                "webhooks to be refused once the database is read-only");
            await AssertRefusingQuicklyAsync(client, "read-only");
            var ready = await client.GetAsync("/readyz");
            Assert.Contains("read-only", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

            await server.SuperuserSqlAsync(way.StartsWith("server") ? ReadOnlyServer(on: false) : ReadOnlyDatabase(database, on: false));
            readOnly = false;
        }
        finally
        {
            if (readOnly)
            {
                // The other tests share this server: never leave it read-only.
                await server.SuperuserSqlAsync(ReadOnlyServer(on: false));
            }
        }
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            "readiness to come back by itself", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client, Alert("after"))).StatusCode);

        // What was refused is its sender's to send again; what was acknowledged on either side is in an incident.
        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Count(i => i.Title is "Disk alert before" or "Disk alert after") == 2,
            "both acknowledged alerts to be incidents");
    }

    /// <remarks>
    /// Unlike LiteDB, PostgreSQL on a full file system still takes writes that fit into pages it already has (it
    /// fails only those that need a new page), so a sender may get either answer while the disk is full: 202 for
    /// what was committed, 503 with Retry-After for what was not, and never a 500 or a wait. The readiness probe's
    /// own write (an upsert of one row, which always fits) succeeds meanwhile, so readiness fails on the refusals the
    /// bot's stores saw (for 10 s after the last one), and passes again by itself once writes go through.
    /// </remarks>
    [SkippableFact]
    public async Task FullFileSystemUnderTheServerAnswers503QuicklyThenRecoversWithoutARestart()
    {
        await using var server = await ServerOnSmallTmpfsAsync();
        await using var bot = await BotProcess.StartAsync(_data, StoppablePostgres.BotOn(await server.CreateDatabaseAsync("full")));
        var client = bot.Client;
        var acknowledged = new List<string>();
        async Task<HttpResponseMessage> SendAsync(string title)
        {
            var (response, elapsed) = await TimedAsync(() => PostAsync(client, Alert(title)));
            Assert.True(elapsed < Quickly, $"the answer took {elapsed}");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                acknowledged.Add($"Disk alert {title}");
            }
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            }
            return response;
        }
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync("before")).StatusCode);

        var filler = TmpfsMount.FillUp(server.DataFolder);
        var sent = 0;
        await Eventually.TrueAsync(async () => (await SendAsync($"full {sent++}")).StatusCode == HttpStatusCode.ServiceUnavailable,
            "webhooks to be refused once the file system is full");
        for (var i = 0; i < 20; i++)
        {
            await SendAsync($"full {sent++}");
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        await SendAsync($"full {sent++}");
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("a write was refused", await ready.Content.ReadAsStringAsync());

        File.Delete(filler);
        await Eventually.TrueAsync(async () => (await SendAsync($"after {sent++}")).StatusCode == HttpStatusCode.Accepted,
            "webhooks to be acknowledged again by themselves", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            "readiness to come back by itself", TimeSpan.FromSeconds(30));

        // Every alert acknowledged before, during and after the full disk is an incident.
        await Eventually.TrueAsync(async () => !acknowledged.Except((await bot.IncidentsAsync()).Select(i => i.Title)).Any(),
            $"all {acknowledged.Count} acknowledged alerts to be incidents");
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// A server of this test's own with its data folder on a 160 MB tmpfs (initdb takes about 41 MB), so the test can
    /// fill the file system under it. Where mounting is not permitted the test is skipped locally and fails under CI.
    /// </summary>
    private async Task<ThrowawayPostgres> ServerOnSmallTmpfsAsync()
    {
        _ = postgres.Server; // skipped (or failed under CI) where PostgreSQL is not installed
        try
        {
            return await ThrowawayPostgres.StartAsync(RepositoryPaths.Root, dataTmpfsMegabytes: 160);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("mount", StringComparison.Ordinal))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must be able to fill a real file system: {ex.Message}");
            throw new SkipException($"cannot mount a tmpfs here ({ex.Message})");
        }
    }

    /// <summary>Every new transaction on the server is read-only, in sessions already open too.</summary>
    private static string ReadOnlyServer(bool on) => on
        ? "ALTER SYSTEM SET default_transaction_read_only = on;\nSELECT pg_reload_conf();"
        : "ALTER SYSTEM RESET default_transaction_read_only;\nSELECT pg_reload_conf();";

    /// <summary>
    /// The database's sessions become read-only (or writable again): a per-database default applies to new sessions,
    /// so the open ones are ended, as a failover or an operator's restart of the database ends them.
    /// </summary>
    private static string ReadOnlyDatabase(string database, bool on) =>
        $"ALTER DATABASE {database} {(on ? "SET default_transaction_read_only = on" : "RESET default_transaction_read_only")};\n" +
        $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database}';";

    /// <summary>Webhooks, single and batched, and readiness all answer 503 within <see cref="Quickly"/>, webhooks with Retry-After.</summary>
    private static async Task AssertRefusingQuicklyAsync(HttpClient client, string when)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var single = await TimedAsync(() => PostAsync(client, Alert($"{when} {attempt}")));
            var batch = await TimedAsync(() => client.PostAsync("/webhooks/alertmanager",
                new StringContent(Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"), Encoding.UTF8, "application/json")));
            foreach (var (response, elapsed) in new[] { single, batch })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
                Assert.True(elapsed < Quickly, $"the 503 took {elapsed}");
            }
        }
        var ready = await TimedAsync(() => client.GetAsync("/readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Response.StatusCode);
        Assert.True(ready.Elapsed < Quickly, $"/readyz took {ready.Elapsed} to answer");
    }

    /// <summary>One incident per storm key, through the API and in the database: no key has two open incidents.</summary>
    private static async Task AssertOneIncidentPerKeyAsync(BotProcess bot, Dictionary<string, string> settings, List<StormAlert> attached)
    {
        var incidents = await bot.IncidentsAsync();
        Assert.Equal(attached.Select(a => a.Key).Distinct().Order(), incidents.Select(i => i.Title["Storm ".Length..]).Order());
        Assert.Equal(attached.Count, incidents.Sum(i => i.AlertCount));

        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:IncidentBot"]);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM inbox), " +
            "(SELECT count(*) FROM (SELECT group_key FROM incidents WHERE is_open GROUP BY group_key HAVING count(*) > 1) twice)", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(((long)attached.Count, 0L, 0L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        return (response, clock.Elapsed);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string alert) =>
        client.PostAsync("/webhooks/generic", new StringContent(alert, Encoding.UTF8, "application/json"));

    private static string Alert(string when) => $$"""{"title":"Disk alert {{when}}","dedupKey":"disk-{{when}}"}""";
}
