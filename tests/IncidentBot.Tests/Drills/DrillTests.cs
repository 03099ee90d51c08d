using System.Net;
using System.Net.Http.Json;
using IncidentBot.Drills;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace IncidentBot.Tests.Drills;

/// <summary>Drills through chat commands and the API, with a real Quartz scheduler and LiteDB file.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class DrillTests
{
    private static readonly Dictionary<string, string?> Leads = new() { ["Drills:Leads:0"] = "lena", ["Drills:TimeZone"] = "Europe/Berlin" };

    [Fact]
    public async Task LeadSchedulesAWeeklyDrillAndSeesTheNextThreeRunsInTheirTimeZone()
    {
        await using var app = new IncidentBotApplication(Leads);

        var reply = await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" database-failover sev2");

        Assert.True(reply.Ok, reply.AllText);
        Assert.Contains("Drill **d1** scheduled: `database-failover` as SEV2, `0 0 10 ? * TUE` in Europe/Berlin", reply.AllText);
        var runs = reply.AllText.Split('\n').Where(l => l.StartsWith("- ")).ToList();
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Matches(@"^- Tue \d{4}-\d{2}-\d{2} 10:00 Europe/Berlin$", r));
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.NotNull(await scheduler.GetJobDetail(QuartzDrillScheduler.JobKeyFor("d1")));
        var list = await app.CommandAsync(null, "bob", "drill list");
        Assert.Contains("**d1** `database-failover` SEV2, `0 0 10 ? * TUE` (Europe/Berlin) — next Tue", list.AllText);
    }

    [Fact]
    public async Task LeadRunsADrillNowThroughTheApi()
    {
        await using var app = new IncidentBotApplication(Leads);

        var started = await app.CreateClient().PostAsJsonAsync("/api/drills/run", new { runbook = "third-party-outage", user = "lena" });
        var unknown = await app.CreateClient().PostAsJsonAsync("/api/drills/run", new { runbook = "nope", user = "lena" });

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        Assert.Equal("/api/incidents/1", started.Headers.Location?.ToString());
        Assert.True((await app.GetIncidentAsync(1)).IsDrill);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("There is no runbook `nope`", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NonLeadsAreRefusedPolitely()
    {
        await using var app = new IncidentBotApplication(Leads);

        var schedule = await app.CommandAsync(null, "bob", "drill schedule \"0 0 10 ? * TUE\" database-failover");
        var run = await app.CommandAsync(null, "bob", "drill run database-failover");
        var api = await app.CreateClient().PostAsJsonAsync("/api/drills", new { cron = "0 0 10 ? * TUE", runbook = "database-failover", user = "bob" });

        Assert.False(schedule.Ok);
        Assert.Contains("Sorry @bob, `drill schedule` needs the lead role (Access:Leads)", schedule.AllText);
        Assert.False(run.Ok);
        Assert.Contains("Sorry @bob, `drill run` needs the lead role", run.AllText);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Empty(await app.ListIncidentsAsync());
    }

    [Theory]
    [InlineData("drill schedule \"0 0 25 * * ?\" database-failover", "is not a Quartz cron expression")]
    [InlineData("drill schedule \"every monday\" database-failover", "is not a Quartz cron expression")]
    [InlineData("drill schedule \"0 0 10 ? * TUE\" database-failover sev2 Mars/Olympus", "`Mars/Olympus` is not a time zone this machine knows")]
    [InlineData("drill schedule \"0 0 10 ? * TUE\" no-such-runbook", "There is no runbook `no-such-runbook`")]
    [InlineData("drill schedule 0 0 10 ? * TUE database-failover", "Put the cron expression in quotes")]
    [InlineData("drill cancel d9", "There is no active drill schedule `d9`")]
    public async Task MistakesAreAnsweredClearly(string command, string expected)
    {
        await using var app = new IncidentBotApplication(Leads);

        var reply = await app.CommandAsync(null, "lena", command);

        Assert.False(reply.Ok);
        Assert.Contains(expected, reply.AllText);
    }

    [Fact]
    public async Task CancelledScheduleIsRemovedFromQuartzAndNeverRuns()
    {
        await using var app = new IncidentBotApplication(Leads);
        await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" disk-filling-up");

        var cancel = await app.CreateClient().DeleteAsync("/api/drills/D1?user=lena"); // as typed in a hurry
        await app.Services.GetRequiredService<DrillService>().FireAsync("d1", DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.Null(await scheduler.GetJobDetail(QuartzDrillScheduler.JobKeyFor("d1")));
        Assert.Empty(await app.ListIncidentsAsync());
        Assert.Empty(await app.CreateClient().GetFromJsonAsync<List<object>>("/api/drills") ?? []);
    }

    [Fact]
    public async Task ScheduledDrillFiredByQuartzOpensAMarkedDrillWithItsRunbookRunning()
    {
        await using var app = new IncidentBotApplication(Leads);
        await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" queue-backlog sev2");
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.TriggerJob(QuartzDrillScheduler.JobKeyFor("d1"));

        await Eventually.TrueAsync(async () => (await app.ListIncidentsAsync()).Count == 1, "the drill incident");
        var incident = await app.GetIncidentAsync(1);
        Assert.True(incident.IsDrill);
        Assert.Equal("Drill: Message queue backlog", incident.Title);
        Assert.Equal("SEV2", incident.Severity);
        Assert.Equal(1, Assert.Single(incident.RunbookSessions!).CurrentStep);
        var room = await app.CreateClient().GetStringAsync("/api/incidents/1/room");
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetStringAsync("/api/incidents/1/room")).Contains("step 1 of"), "the first step in the room");
        Assert.All(System.Text.Json.JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/incidents/1/room")).RootElement.EnumerateArray(),
            m => Assert.Contains("msg-drill", m.GetProperty("html").GetString()));
        var runs = await app.CreateClient().GetStringAsync("/api/drills/d1/runs");
        Assert.Contains("\"incidentNumber\":1", runs);
    }

    [Fact]
    public async Task QuartzFiresTheDrillWhenItsTimeComesOnTheBotsClock()
    {
        // Monday 2026-11-23 23:59 in Berlin; the drill is due Tuesday 10:00 Berlin (09:00 UTC).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 22, 59, 0, TimeSpan.Zero));
        await using var app = new IncidentBotApplication(Leads, services => services.AddSingleton<TimeProvider>(clock));
        await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" disk-filling-up sev3 Europe/Berlin");
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await Eventually.TrueAsync(() => scheduler.Status == SchedulerStatus.Running, "Quartz to start");

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 8, 59, 0, TimeSpan.Zero));
        await Task.Delay(300);
        Assert.Empty(await app.ListIncidentsAsync());

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await Eventually.TrueAsync(async () => (await app.ListIncidentsAsync()).Count == 1, "the drill at 10:00 Berlin");
        var incident = await app.GetIncidentAsync(1);
        Assert.True(incident.IsDrill);
        Assert.Equal(new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc), incident.CreatedAt);
        // The run is recorded just after the drill's incident opens.
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetStringAsync("/api/drills/d1/runs")).Contains("\"scheduledFor\":\"2026-11-24T09:00:00"), "the run recorded");
    }

    [Fact]
    public async Task DrillReportFiguresComeFromTheScriptedRunAndEarlierRunsSitBesideThem()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var app = new IncidentBotApplication(Leads, services => services.AddSingleton<TimeProvider>(clock));
        // New Year's Day only, so Quartz itself never fires during the scripted week; the test fires it by hand.
        await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 1 1 ?\" tls-certificate-expiring sev3");
        var drills = app.Services.GetRequiredService<DrillService>();

        async Task<CommandResult> RunScriptedDrillAsync(int number, TimeSpan ack, TimeSpan step1, TimeSpan resolve)
        {
            var start = clock.GetUtcNow();
            await drills.FireAsync("d1", start, CancellationToken.None);
            clock.SetUtcNow(start + ack);
            await app.CommandAsync(number, "bob", "ack");
            clock.SetUtcNow(start + step1);
            await app.CommandAsync(number, "bob", "done");
            clock.SetUtcNow(start + step1 + TimeSpan.FromMinutes(1));
            await app.CommandAsync(number, "bob", "skip not needed in a drill");
            clock.SetUtcNow(start + resolve);
            return await app.CommandAsync(number, "lena", "resolve drill complete");
        }

        await RunScriptedDrillAsync(1, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));
        clock.Advance(TimeSpan.FromDays(7));
        var second = await RunScriptedDrillAsync(2, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(20));

        var report = second.Messages.Single(m => m.Text.Contains("Drill report")).Text;
        Assert.Contains("**Time to acknowledge**: 2m 0s — earlier runs: 4m 0s", report);
        Assert.Contains("**Time to first step**: 5m 0s — earlier runs: 10m 0s", report);
        Assert.Contains("**Total**: 20m 0s — earlier runs: 30m 0s", report);
        Assert.Contains("1. Confirm what is served and when it expires: 5m 0s", report);
        Assert.Contains("2. ", report);
        Assert.Contains(": skipped", report);
        var runs = System.Text.Json.JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/drills/d1/runs")).RootElement;
        Assert.Equal(1200, runs[0].GetProperty("report").GetProperty("totalSeconds").GetDouble());
        Assert.Equal(1800, runs[1].GetProperty("report").GetProperty("totalSeconds").GetDouble());
    }
}
