using IncidentBot.Reminders;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace IncidentBot.Tests.Reminders;

/// <summary>
/// Status-update reminders driven by a fake clock: each incident carries when its next reminder is due, and the sweep
/// (which runs whenever the clock moves on by its period) posts the due ones.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class UpdateReminderTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-reminders-").FullName;

    [Fact]
    public async Task SilentSev1IsRemindedAfterFifteenMinutesAndTheMissedUpdateIsRecorded()
    {
        var (app, clock) = await StartAsync(Start);
        await using var _ = app;
        await app.CommandAsync(null, "alice", "declare Checkout down sev1");
        await app.CommandAsync(1, "alice", "role commander");
        await WaitForTriggerAsync(app, 1, Start + TimeSpan.FromMinutes(15));

        clock.SetUtcNow(Start + TimeSpan.FromMinutes(14));
        await Task.Delay(300);
        Assert.DoesNotContain((await app.GetIncidentAsync(1)).Timeline!, t => t.Kind == "missed-update");

        clock.SetUtcNow(Start + TimeSpan.FromMinutes(15));
        await Eventually.TrueAsync(async () => (await app.GetIncidentAsync(1)).Timeline!.Any(t => t.Kind == "missed-update"), "the reminder");
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetStringAsync("/api/incidents/1/room")).Contains("no status update for 15m"), "the reminder in the room");
        Assert.Contains("@alice please post one", await app.CreateClient().GetStringAsync("/api/incidents/1/room"));
        await WaitForTriggerAsync(app, 1, Start + TimeSpan.FromMinutes(30)); // and again one interval later
    }

    [Fact]
    public async Task AnUpdateResetsTheReminderAndResolvingStopsIt()
    {
        var (app, clock) = await StartAsync(Start);
        await using var _ = app;
        await app.CommandAsync(null, "alice", "declare Search slow sev2");
        await WaitForTriggerAsync(app, 1, Start + TimeSpan.FromMinutes(30));

        clock.SetUtcNow(Start + TimeSpan.FromMinutes(20));
        await app.CommandAsync(1, "alice", "update cache warming, latency improving");
        await WaitForTriggerAsync(app, 1, Start + TimeSpan.FromMinutes(50));
        clock.SetUtcNow(Start + TimeSpan.FromMinutes(31));
        await Task.Delay(300);
        Assert.DoesNotContain((await app.GetIncidentAsync(1)).Timeline!, t => t.Kind == "missed-update");

        await app.CommandAsync(1, "alice", "resolve cache warmed");
        await WaitForDueAsync(app, 1, null);
        clock.SetUtcNow(Start + TimeSpan.FromHours(2));
        await Task.Delay(300);
        Assert.DoesNotContain((await app.GetIncidentAsync(1)).Timeline!, t => t.Kind == "missed-update");
    }

    [Fact]
    public async Task Sev4GetsNoReminder()
    {
        var (app, _) = await StartAsync(Start);
        await using var __ = app;

        await app.CommandAsync(null, "alice", "declare Typo on status page sev4");

        Assert.Null((await app.Incidents.FindAsync(1))!.ReminderDueAt);
    }

    [Fact]
    public async Task ARestartKeepsTheReminderAndADueTimePassedWhileDownFiresAtOnce()
    {
        var (first, _) = await StartAsync(Start);
        await first.CommandAsync(null, "alice", "declare Queue backlog sev1");
        await WaitForTriggerAsync(first, 1, Start + TimeSpan.FromMinutes(15));
        await first.DisposeAsync();

        var (restarted, _) = await StartAsync(Start + TimeSpan.FromMinutes(20));
        await using var _ = restarted;

        await Eventually.TrueAsync(async () => (await restarted.GetIncidentAsync(1)).Timeline!.Any(t => t.Kind == "missed-update"), "the overdue reminder after the restart");
    }

    [Fact]
    public async Task ARestartWithOtherIntervalsMovesEveryOpenIncidentsReminder()
    {
        var (first, _) = await StartAsync(Start);
        await first.CommandAsync(null, "alice", "declare Queue backlog sev2");
        await first.CommandAsync(null, "alice", "declare Search slow sev3");
        await first.CommandAsync(null, "alice", "declare Typo sev4");
        await WaitForDueAsync(first, 1, Start + TimeSpan.FromMinutes(30));
        await WaitForDueAsync(first, 2, Start + TimeSpan.FromHours(1));
        await first.DisposeAsync();

        var (restarted, clock) = await StartAsync(Start + TimeSpan.FromMinutes(5), new()
        {
            ["Reminders:Intervals:Sev2"] = "00:10:00",
            ["Reminders:Intervals:Sev3"] = "00:00:00",
            ["Reminders:Intervals:Sev4"] = "00:20:00",
        });
        await using var _ = restarted;

        await WaitForDueAsync(restarted, 1, Start + TimeSpan.FromMinutes(10));
        await WaitForDueAsync(restarted, 2, null);
        await WaitForDueAsync(restarted, 3, Start + TimeSpan.FromMinutes(20));
        clock.SetUtcNow(Start + TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(async () => (await restarted.GetIncidentAsync(1)).Timeline!.Any(t => t.Kind == "missed-update"), "the reminder at the new interval");
        await WaitForDueAsync(restarted, 1, Start + TimeSpan.FromMinutes(20));
        Assert.DoesNotContain((await restarted.GetIncidentAsync(3)).Timeline!, t => t.Kind == "missed-update");
    }

    [Fact]
    public async Task ReminderJobsAnOlderVersionScheduledAreRemovedAndOtherJobsKept()
    {
        var (app, _) = await StartAsync(Start);
        await using var _ = app;
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        foreach (var incident in new[] { 1, 2 })
        {
            var job = JobBuilder.Create<UpdateReminderJob>().WithIdentity($"INC-{incident}", UpdateReminders.LegacyJobGroup).UsingJobData(UpdateReminderJob.IncidentKey, incident).Build();
            await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartAt(Start.AddHours(1)).Build());
        }
        var other = JobBuilder.Create<UpdateReminderJob>().WithIdentity("INC-1", "something-else").StoreDurably().Build();
        await scheduler.AddJob(other, AddJobOptions.Replacing);

        Assert.Equal(2, await app.Services.GetRequiredService<UpdateReminders>().RemoveLegacyJobsAsync(CancellationToken.None));

        Assert.Null(await scheduler.GetJobDetail(new JobKey("INC-1", UpdateReminders.LegacyJobGroup)));
        Assert.Null(await scheduler.GetJobDetail(new JobKey("INC-2", UpdateReminders.LegacyJobGroup)));
        Assert.NotNull(await scheduler.GetJobDetail(other.Key));
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private Task<(IncidentBotApplication App, FakeTimeProvider Clock)> StartAsync(DateTimeOffset now, Dictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(now);
        var app = new IncidentBotApplication(settings, services: s => s.AddSingleton<TimeProvider>(clock), dataFolder: _data);
        _ = app.Server; // start the bot now
        return Task.FromResult((app, clock));
    }

    private static Task WaitForTriggerAsync(IncidentBotApplication app, int incident, DateTimeOffset at) => WaitForDueAsync(app, incident, at);

    /// <summary>Waits until the stored incident says its next reminder is due at <paramref name="at"/> (null: none).</summary>
    private static Task WaitForDueAsync(IncidentBotApplication app, int incident, DateTimeOffset? at) =>
        Eventually.TrueAsync(async () => (await app.Incidents.FindAsync(incident))?.ReminderDueAt == at, $"the reminder for {at:HH:mm}");
}
