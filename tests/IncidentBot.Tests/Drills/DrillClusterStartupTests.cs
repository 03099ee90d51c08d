using System.Text.Json;
using IncidentBot.Drills;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace IncidentBot.Tests.Drills;

/// <summary>
/// Replicas starting together on one PostgreSQL database after every replica was down: a drill missed within the
/// grace runs once between them (not once per replica, nor again when its late trigger fires), one missed beyond the
/// grace is recorded once, and the trigger in the cluster's store is kept, not reset.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class DrillClusterStartupTests(PostgresServer server) : IDisposable
{
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero); // Tuesday 10:00 in Berlin

    private readonly List<string> _folders = [];

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ADrillMissedWithinTheGraceRunsOnceWhenSeveralReplicasStartTogether(int replicas)
    {
        var database = await server.CreateDatabaseAsync();
        await ScheduleWhileUpAsync(database);

        var apps = await StartTogetherAsync(database, Due + TimeSpan.FromMinutes(30), replicas);
        try
        {
            await Eventually.TrueAsync(async () => (await apps[0].ListIncidentsAsync()).Count >= 1, "the late drill");
            // Every replica's start-up has finished, and the late trigger had its chance to fire on any of them.
            await Task.Delay(TimeSpan.FromSeconds(3));

            foreach (var app in apps)
            {
                Assert.Single(await app.ListIncidentsAsync());
            }
            var run = Assert.Single(JsonDocument.Parse(await apps[^1].CreateClient().GetStringAsync("/api/drills/d1/runs")).RootElement.EnumerateArray());
            Assert.StartsWith("2026-11-24T09:00:00", run.GetProperty("scheduledFor").GetString());
            Assert.False(run.GetProperty("missed").GetBoolean());
            // The cluster still holds the schedule's trigger, due next Tuesday.
            var trigger = await (await apps[0].Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).GetTrigger(new TriggerKey("d1", "drills"));
            Assert.Equal(Due.AddDays(7), trigger!.NextFireTimeUtc);
        }
        finally
        {
            await Task.WhenAll(apps.Select(a => a.DisposeAsync().AsTask()));
        }
    }

    [SkippableFact]
    public async Task ADrillMissedBeyondTheGraceIsRecordedOnceWhenReplicasStartTogether()
    {
        var database = await server.CreateDatabaseAsync();
        await ScheduleWhileUpAsync(database);

        var apps = await StartTogetherAsync(database, Due + TimeSpan.FromHours(3), 3);
        try
        {
            await Eventually.TrueAsync(async () => (await apps[0].CreateClient().GetStringAsync("/api/drills/d1/runs")).Contains("\"missed\":true"), "the missed run");
            await Task.Delay(TimeSpan.FromSeconds(2));

            var run = Assert.Single(JsonDocument.Parse(await apps[1].CreateClient().GetStringAsync("/api/drills/d1/runs")).RootElement.EnumerateArray());
            Assert.True(run.GetProperty("missed").GetBoolean());
            Assert.Empty(await apps[2].ListIncidentsAsync());
        }
        finally
        {
            await Task.WhenAll(apps.Select(a => a.DisposeAsync().AsTask()));
        }
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private async Task ScheduleWhileUpAsync(string database)
    {
        await using var app = Replica(database, Due - TimeSpan.FromHours(10));
        var reply = await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" disk-filling-up sev3 Europe/Berlin");
        Assert.True(reply.Ok, reply.AllText);
    }

    /// <summary>Replicas built one by one, then started at the same moment (their start-up runs concurrently).</summary>
    private async Task<List<IncidentBotApplication>> StartTogetherAsync(string database, DateTimeOffset now, int count)
    {
        var apps = Enumerable.Range(0, count).Select(_ => Replica(database, now)).ToList();
        await Task.WhenAll(apps.Select(app => Task.Run(() => app.Server)));
        return apps;
    }

    private IncidentBotApplication Replica(string database, DateTimeOffset now)
    {
        var folder = Directory.CreateTempSubdirectory("incidentbot-replica-").FullName;
        _folders.Add(folder);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:IncidentBot"] = database,
            ["Drills:Leads:0"] = "lena",
            ["Drills:MisfireGrace"] = "01:00:00",
        };
        return new IncidentBotApplication(settings, services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(now)), folder);
    }
}
