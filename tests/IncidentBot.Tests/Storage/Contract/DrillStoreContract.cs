using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// Drill schedules and runs: stored whole and replaced by id, listed in the order the bot shows them, short ids never
/// handed out twice (not even to two people scheduling at once), all of it across a restart.
/// </summary>
public abstract class DrillStoreContract
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-05T10:00:00Z");

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task SchedulesAreStoredWholeListedOldestFirstAndReplacedById()
    {
        await using var store = await OpenAsync();
        var drills = store.Get<IDrillStore>();
        var weekly = Schedule("d1", Start, Severity.Sev1, ["alice", "bob", "Zoë"]);
        var daily = Schedule("d2", Start.AddMinutes(-5), Severity.Sev4, []);
        await drills.SaveScheduleAsync(weekly);
        await drills.SaveScheduleAsync(daily);

        weekly.CancelledAt = Start.AddDays(3);
        weekly.LastFireAt = Start.AddDays(2);
        weekly.Participants.Add("carol");
        await drills.SaveScheduleAsync(weekly);
        await store.ReopenAsync();
        drills = store.Get<IDrillStore>();

        Assert.Equal([Shown(daily), Shown(weekly)], (await drills.SchedulesAsync()).Select(Shown));
        Assert.Equal(Shown(weekly), Shown((await drills.FindScheduleAsync("d1"))!));
        Assert.Null(await drills.FindScheduleAsync("d3"));
        Assert.Null(await drills.FindScheduleAsync("D1"));
    }

    [SkippableFact]
    public async Task ScheduleIdsCountUpFromD1AndNeverNameAStoredSchedule()
    {
        await using var store = await OpenAsync();
        var drills = store.Get<IDrillStore>();

        Assert.Equal("d1", await drills.NextScheduleIdAsync());
        await drills.SaveScheduleAsync(Schedule("d1", Start));
        Assert.Equal("d2", await drills.NextScheduleIdAsync());
        // Schedules stored under ids the store did not hand out (copied from another data file).
        foreach (var id in new[] { "d3", "d4", "d6" })
        {
            await drills.SaveScheduleAsync(Schedule(id, Start));
        }
        var next = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            next.Add(await drills.NextScheduleIdAsync());
        }

        Assert.All(next, id => Assert.Matches("^d[1-9][0-9]*$", id));
        Assert.Equal(4, next.Distinct().Count());
        Assert.DoesNotContain(next, id => id is "d1" or "d2" or "d3" or "d4" or "d6");
    }

    /// <summary>Two leads scheduling at once each get an id of their own, however many ask and across a restart.</summary>
    [SkippableTheory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(50)]
    public async Task CallersAskingAtOnceNeverGetTheSameId(int callers)
    {
        await using var store = await OpenAsync();
        var handedOut = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            var drills = store.Get<IDrillStore>();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var asking = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                await go.Task;
                return await drills.NextScheduleIdAsync();
            })).ToList();
            go.SetResult();
            handedOut.AddRange(await Task.WhenAll(asking));
            await store.ReopenAsync();
        }

        Assert.Equal(3 * callers, handedOut.Distinct().Count());
    }

    [SkippableFact]
    public async Task RunsAreStoredWithTheirReportFoundByIncidentAndListedNewestFirst()
    {
        await using var store = await OpenAsync();
        var drills = store.Get<IDrillStore>();
        await drills.SaveScheduleAsync(Schedule("d1", Start));
        await drills.SaveScheduleAsync(Schedule("d2", Start));
        var incidents = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            incidents.Add(await StoredIncidents.AddAsync(store, $"[DRILL] {i}"));
        }
        var runs = new List<DrillRun>
        {
            new() { ScheduleId = "d1", RunbookId = "db-failover", IncidentNumber = incidents[0], ScheduledFor = Start.AddDays(-14), StartedAt = Start.AddDays(-14).AddSeconds(2) },
            new() { ScheduleId = "d1", RunbookId = "db-failover", ScheduledFor = Start.AddDays(-7), Missed = true },
            new() { ScheduleId = "d1", RunbookId = "db-failover", IncidentNumber = incidents[1], ScheduledFor = Start, StartedAt = Start.AddSeconds(1) },
            new() { ScheduleId = "d2", RunbookId = "cache-flush", ScheduledFor = Start.AddDays(1), Missed = true },
            new() { RunbookId = "cache-flush", IncidentNumber = incidents[2], ScheduledFor = Start.AddHours(3), StartedAt = Start.AddHours(3) },
        };
        foreach (var run in runs)
        {
            await drills.SaveRunAsync(run);
        }

        Assert.All(runs, run => Assert.True(run.Id > 0, "a stored run has its id"));
        Assert.Equal(runs.Count, runs.Select(r => r.Id).Distinct().Count());
        await store.ReopenAsync();
        drills = store.Get<IDrillStore>();
        Assert.Equal(new[] { runs[2], runs[1], runs[0] }.Select(Shown), (await drills.RunsOfAsync("d1")).Select(Shown));
        Assert.Equal([Shown(runs[3])], (await drills.RunsOfAsync("d2")).Select(Shown));
        Assert.Empty(await drills.RunsOfAsync("d9"));
        Assert.Equal(Shown(runs[4]), Shown((await drills.FindRunByIncidentAsync(incidents[2]))!));
        Assert.Null(await drills.FindRunByIncidentAsync(incidents[2] + 100));
    }

    /// <summary>
    /// Replicas reaching one scheduled time at once (a trigger, a catch-up at start-up, a late trigger after a catch-up):
    /// exactly one claims it, whatever the number of callers; a later time can be claimed after it, an earlier one
    /// never, and a cancelled schedule's time never.
    /// </summary>
    [SkippableTheory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(50)]
    public async Task EachScheduledTimeIsClaimedByExactlyOneCallerAndNeverAgain(int callers)
    {
        await using var store = await OpenAsync();
        var drills = store.Get<IDrillStore>();
        var schedule = Schedule("d1", Start);
        schedule.LastFireAt = null;
        await drills.SaveScheduleAsync(schedule);
        await drills.SaveScheduleAsync(Schedule("d2", Start));

        for (var week = 1; week <= 3; week++)
        {
            var due = Start.AddDays(7 * week);
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claiming = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                await go.Task;
                return await drills.ClaimFireAsync("d1", due);
            })).ToList();
            go.SetResult();
            var claims = await Task.WhenAll(claiming);

            Assert.Equal(1, claims.Count(claimed => claimed));
            Assert.False(await drills.ClaimFireAsync("d1", due), "the same time again");
            Assert.False(await drills.ClaimFireAsync("d1", due.AddDays(-3)), "an earlier time");
            await store.ReopenAsync();
            drills = store.Get<IDrillStore>();
            Assert.Equal(due, (await drills.FindScheduleAsync("d1"))!.LastFireAt);
        }

        Assert.False(await drills.ClaimFireAsync("d9", Start.AddDays(30)), "no such schedule");
        var cancelled = (await drills.FindScheduleAsync("d2"))!;
        cancelled.CancelledAt = Start.AddDays(1);
        await drills.SaveScheduleAsync(cancelled);
        Assert.False(await drills.ClaimFireAsync("d2", Start.AddDays(30)), "a cancelled schedule");
    }

    /// <summary>What the drill reporter does when a drill resolves: find the run of the incident, add its report, save it.</summary>
    [SkippableFact]
    public async Task ARunSavedAgainWithItsReportReplacesItselfAndKeepsItsId()
    {
        await using var store = await OpenAsync();
        var drills = store.Get<IDrillStore>();
        await drills.SaveScheduleAsync(Schedule("d1", Start));
        var number = await StoredIncidents.AddAsync(store, "[DRILL] failover");
        await drills.SaveRunAsync(new DrillRun { ScheduleId = "d1", RunbookId = "db-failover", IncidentNumber = number, ScheduledFor = Start, StartedAt = Start });

        var run = (await drills.FindRunByIncidentAsync(number))!;
        var id = run.Id;
        run.Report = new DrillReport
        {
            TimeToAcknowledgeSeconds = 42.5,
            TimeToFirstStepSeconds = null,
            TotalSeconds = 1_234.5,
            Steps = [new() { Title = "Promote the replica — «primary»", DurationSeconds = 61.2 }, new() { Title = "Tell 日本 team 🚒", Skipped = true }],
        };
        await drills.SaveRunAsync(run);
        await store.ReopenAsync();
        drills = store.Get<IDrillStore>();

        var read = (await drills.FindRunByIncidentAsync(number))!;
        Assert.Equal(id, read.Id);
        Assert.Equal(Shown(run), Shown(read));
        Assert.Equal([Shown(run)], (await drills.RunsOfAsync("d1")).Select(Shown));
    }

    private static DrillSchedule Schedule(string id, DateTimeOffset createdAt, Severity severity = Severity.Sev3, List<string>? participants = null) => new()
    {
        Id = id,
        RunbookId = "db-failover",
        Cron = "0 0 10 ? * MON",
        TimeZone = "Europe/Berlin",
        Severity = severity,
        Participants = participants ?? ["alice"],
        CreatedBy = "lead",
        CreatedAt = createdAt,
        LastFireAt = createdAt,
    };

    private static string Shown(DrillSchedule s) =>
        $"{s.Id} {s.RunbookId} '{s.Cron}' {s.TimeZone} {s.Severity} [{string.Join(",", s.Participants)}] {s.CreatedBy} {s.CreatedAt.UtcDateTime:O} {s.CancelledAt?.UtcDateTime:O} {s.LastFireAt?.UtcDateTime:O}";

    private static string Shown(DrillRun r) =>
        $"{r.Id} {r.ScheduleId} {r.RunbookId} {r.IncidentNumber} {r.ScheduledFor.UtcDateTime:O} {r.StartedAt?.UtcDateTime:O} {r.Missed} " +
        (r.Report is not { } report ? "no report" :
            $"{report.TimeToAcknowledgeSeconds} {report.TimeToFirstStepSeconds} {report.TotalSeconds} " +
            string.Join(" | ", report.Steps.Select(s => $"{s.Title} {s.DurationSeconds} {s.Skipped}")));
}

public sealed class DrillStoreOnLiteDb : DrillStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class DrillStoreOnPostgres(PostgresServer server) : DrillStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
