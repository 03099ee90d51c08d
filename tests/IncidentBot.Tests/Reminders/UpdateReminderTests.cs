using IncidentBot.Reminders;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace IncidentBot.Tests.Reminders;

/// <summary>Status-update reminders on a real Quartz scheduler driven by a fake clock.</summary>
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
        await Eventually.TrueAsync(async () => await (await Scheduler(app)).GetJobDetail(UpdateReminders.JobKeyFor(1)) is null, "the reminder to be removed");
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
        await Task.Delay(300);

        Assert.Null(await (await Scheduler(app)).GetJobDetail(UpdateReminders.JobKeyFor(1)));
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

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<(IncidentBotApplication App, FakeTimeProvider Clock)> StartAsync(DateTimeOffset now)
    {
        var clock = new FakeTimeProvider(now);
        var app = new IncidentBotApplication(services: s => s.AddSingleton<TimeProvider>(clock), dataFolder: _data);
        var scheduler = await Scheduler(app);
        await Eventually.TrueAsync(() => scheduler.Status == SchedulerStatus.Running, "Quartz to start");
        return (app, clock);
    }

    private static async Task<IScheduler> Scheduler(IncidentBotApplication app) => await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    private static async Task WaitForTriggerAsync(IncidentBotApplication app, int incident, DateTimeOffset at)
    {
        var scheduler = await Scheduler(app);
        var key = UpdateReminders.JobKeyFor(incident);
        await Eventually.TrueAsync(async () => (await scheduler.GetTrigger(new TriggerKey(key.Name, key.Group)))?.StartTimeUtc == at, $"the reminder for {at:HH:mm}");
    }
}
