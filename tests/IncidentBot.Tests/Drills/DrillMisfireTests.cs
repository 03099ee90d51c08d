using System.Text.Json;
using IncidentBot.Drills;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace IncidentBot.Tests.Drills;

/// <summary>Schedules survive a restart; a drill missed while the bot was down runs within the grace, else is recorded as missed.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class DrillMisfireTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Drills:Leads:0"] = "lena", ["Drills:MisfireGrace"] = "01:00:00" };
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero); // Tuesday 10:00 in Berlin

    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-drills-").FullName;

    [Fact]
    public async Task DrillMissedWithinTheGraceRunsOnceAtStartUpAndTheScheduleIsKept()
    {
        await ScheduleWhileUpAsync();

        await using var restarted = Start(Due + TimeSpan.FromMinutes(30));
        await Eventually.TrueAsync(async () => (await restarted.ListIncidentsAsync()).Count == 1, "the late drill");

        var incident = await restarted.GetIncidentAsync(1);
        Assert.True(incident.IsDrill);
        var runs = JsonDocument.Parse(await restarted.CreateClient().GetStringAsync("/api/drills/d1/runs")).RootElement;
        Assert.StartsWith("2026-11-24T09:00:00", Assert.Single(runs.EnumerateArray()).GetProperty("scheduledFor").GetString());
        var scheduler = await restarted.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.NotNull(await scheduler.GetJobDetail(QuartzDrillScheduler.JobKeyFor("d1")));
        Assert.Contains("\"id\":\"d1\"", await restarted.CreateClient().GetStringAsync("/api/drills"));
    }

    [Fact]
    public async Task DrillMissedBeyondTheGraceIsRecordedAndShownNotRun()
    {
        await ScheduleWhileUpAsync();

        await using var restarted = Start(Due + TimeSpan.FromHours(3));
        await Task.Delay(300);

        Assert.Empty(await restarted.ListIncidentsAsync());
        var run = Assert.Single(JsonDocument.Parse(await restarted.CreateClient().GetStringAsync("/api/drills/d1/runs")).RootElement.EnumerateArray());
        Assert.True(run.GetProperty("missed").GetBoolean());
        var list = await restarted.CommandAsync(null, "bob", "drill list");
        Assert.Contains("⚠ missed 2026-11-24 09:00 UTC while IncidentBot was down", list.AllText);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task ScheduleWhileUpAsync()
    {
        await using var app = Start(Due - TimeSpan.FromHours(10));
        var reply = await app.CommandAsync(null, "lena", "drill schedule \"0 0 10 ? * TUE\" disk-filling-up sev3 Europe/Berlin");
        Assert.True(reply.Ok, reply.AllText);
    }

    private IncidentBotApplication Start(DateTimeOffset now)
    {
        var app = new IncidentBotApplication(Settings, services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(now)), _data);
        _ = app.Server;
        return app;
    }
}
