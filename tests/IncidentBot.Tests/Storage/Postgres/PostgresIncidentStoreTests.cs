using System.Diagnostics;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Contract;
using Xunit.Abstractions;
using static IncidentBot.Tests.Storage.Contract.StoreData;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>What the PostgreSQL stores write, row by row, where other code (storage copy, PostgresDrillStore, an operator's SQL) reads it.</summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresIncidentStoreTests(PostgresServer server, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task RawPayloadsThatAreJsonAreStoredAsJsonbAndTheRestAsOneJsonString()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        await using var store = StoreUnderTest.Postgres(database);
        var incidents = store.Get<IIncidentStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;
        var fixture = Fixtures.Read("alerts/alertmanager/firing-two-alerts.json");
        var changes = new IncidentChanges();
        foreach (var (fingerprint, raw) in new[] { ("json", fixture), ("text", "not { json"), ("string", "\"quoted\""), ("none", "") })
        {
            var alert = Alert(number, fingerprint, raw);
            changes.Alerts[alert.Id] = alert;
        }
        await incidents.CommitAsync(changes);
        await store.Get<IAlertInboxStore>().AppendAsync([Entry("json", fixture), Entry("text", "not { json"), Entry("none")]);

        Assert.Equal(["json:object", "none:", "string:string", "text:string"],
            await Sql.ListAsync<string>(database, "SELECT fingerprint || ':' || coalesce(jsonb_typeof(raw), '') FROM alerts ORDER BY fingerprint"));
        Assert.Equal(["json:object", "text:string", "none:"],
            await Sql.ListAsync<string>(database, "SELECT (alert ->> 'fingerprint') || ':' || coalesce(jsonb_typeof(raw), '') FROM inbox ORDER BY id"));
        // The payload is queryable, and the normalised alert beside it holds no second copy.
        Assert.Equal("firing", await Sql.ScalarAsync<string>(database, "SELECT raw ->> 'status' FROM alerts WHERE fingerprint = 'json'"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM inbox WHERE alert ? 'raw'"));
    }

    [SkippableFact]
    public async Task DrillRunsOfACommitAreWrittenAsTheSchemaSaysOneRowPerDrillIncident()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        await Sql.ExecuteAsync(database, "INSERT INTO drill_schedules (id, runbook_id, cron, time_zone, severity, created_by, created_at) VALUES ('d1', 'db-failover', '0 0 10 ? * MON', 'UTC', 3, 'alice', now())");
        await using var store = StoreUnderTest.Postgres(database);
        var incidents = store.Get<IIncidentStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;
        var run = new DrillRun
        {
            ScheduleId = "d1",
            RunbookId = "db-failover",
            IncidentNumber = number,
            ScheduledFor = At,
            StartedAt = At.AddSeconds(2),
            Report = new DrillReport { TimeToAcknowledgeSeconds = 42.5, TotalSeconds = 600, Steps = [new DrillStepFigure { Title = "Promote", DurationSeconds = 30 }, new DrillStepFigure { Title = "Check", Skipped = true }] },
        };
        var changes = new IncidentChanges();
        changes.DrillRuns.Add(run);
        await incidents.CommitAsync(changes);
        Assert.True(run.Id > 0);

        // The same incident's run reported again (a fresh DrillRun, as DrillReporter makes when none was found) is the same row.
        var again = new IncidentChanges();
        again.DrillRuns.Add(new DrillRun { RunbookId = "db-failover", IncidentNumber = number, ScheduledFor = At, Report = new DrillReport { TotalSeconds = 700 }, ScheduleId = "d1" });
        await incidents.CommitAsync(again);

        Assert.Equal(1L, await Sql.ScalarAsync<long>(database, "SELECT count(*) FROM drill_runs"));
        Assert.Equal(run.Id, again.DrillRuns[0].Id);
        Assert.Equal($"d1|db-failover|{number}|false", await Sql.ScalarAsync<string>(database, "SELECT schedule_id || '|' || runbook_id || '|' || incident_number || '|' || missed FROM drill_runs"));
        var report = PostgresJson.Read<DrillReport>(await Sql.ScalarAsync<string>(database, "SELECT report::text FROM drill_runs"));
        Assert.Equal(700, report.TotalSeconds);

        run.Report!.TotalSeconds = 650;
        var byId = new IncidentChanges();
        byId.DrillRuns.Add(run);
        await incidents.CommitAsync(byId);
        var updated = PostgresJson.Read<DrillReport>(await Sql.ScalarAsync<string>(database, "SELECT report::text FROM drill_runs"));
        Assert.Equal((650d, 42.5, "Promote", true), (updated.TotalSeconds, updated.TimeToAcknowledgeSeconds!.Value, updated.Steps[0].Title, updated.Steps[1].Skipped));
    }

    [SkippableFact]
    public async Task AStormsCommitAndWebhookBatchAreEachOneTransaction()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        await using var store = StoreUnderTest.Postgres(database);
        var incidents = store.Get<IIncidentStore>();
        var inbox = store.Get<IAlertInboxStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;
        var raw = System.Text.Json.JsonDocument.Parse(Fixtures.Read("alerts/alertmanager/firing-two-alerts.json")).RootElement.GetProperty("alerts")[0].GetRawText();
        await inbox.AppendAsync([Entry("warm-up", raw)]); // connections opened, statements prepared once

        var entries = Enumerable.Range(0, 500).Select(i => Entry($"fp-{i}", raw)).ToList();
        var appending = Stopwatch.StartNew();
        await inbox.AppendAsync(entries);
        appending.Stop();
        var claimed = await inbox.ClaimAsync("me", 1000, At, TimeSpan.FromMinutes(1));
        var changes = new IncidentChanges();
        var incident = (await incidents.FindAsync(number))!;
        changes.Incidents[number] = incident;
        foreach (var entry in claimed)
        {
            var alert = Alert(number, entry.Alert.Fingerprint, raw);
            changes.Alerts[alert.Id] = alert;
            changes.NewAlerts.Add(alert.Id);
            changes.Timeline.Add(new TimelineEntry { IncidentNumber = number, At = At, Actor = "alertmanager", Kind = TimelineKinds.AlertFiring, Text = entry.Alert.Fingerprint });
            changes.ConsumedInboxEntries.Add(entry.Id);
        }
        incident.AlertCount = claimed.Count;
        var xactsBefore = await Sql.ScalarAsync<long>(database, "SELECT txid_current()");
        var committing = Stopwatch.StartNew();
        await incidents.CommitAsync(changes);
        committing.Stop();
        var xactsAfter = await Sql.ScalarAsync<long>(database, "SELECT txid_current()");

        output.WriteLine($"append of 500 inbox entries: {appending.ElapsedMilliseconds} ms; commit of 501 alerts, 501 timeline entries, 501 inbox deletes: {committing.ElapsedMilliseconds} ms");
        // Each transaction that writes takes one transaction id: the commit wrote everything in one.
        Assert.Equal(xactsBefore + 2, xactsAfter);
        Assert.Equal(501, (await incidents.AlertsOfAsync(number)).Count);
        Assert.Equal(0, await inbox.PendingCountAsync());
        Assert.Equal(changes.Timeline.Select(t => t.Id), (await incidents.TimelineOfAsync(number)).Select(t => t.Id));
    }
}
