using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>
/// Two bot processes on one PostgreSQL database, one Quartz cluster between them: a drill that fires every two seconds
/// runs once per time however many replicas are up, and when the replica firing it is killed with SIGKILL the other
/// fires the next time (late by the cluster's check-in window, well within the misfire grace) and every time after it.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed partial class DrillClusterTests(PostgresServer server, ITestOutputHelper output) : IDisposable
{
    /// <summary>Quartz cron has a seconds field, and the bot takes any valid expression: every second even second.</summary>
    private const string EveryTwoSeconds = "0/2 * * * * ?";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly string _dataA = Directory.CreateTempSubdirectory("incidentbot-cluster-a-").FullName;
    private readonly string _dataB = Directory.CreateTempSubdirectory("incidentbot-cluster-b-").FullName;

    [SkippableFact]
    public async Task ADrillOnTwoReplicasRunsOncePerTimeAndTheSurvivorFiresTheNextOneWhenTheFiringReplicaIsKilled()
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:IncidentBot"] = await server.CreateDatabaseAsync(),
            ["Storage:Path"] = "",
            ["Drills:Leads:0"] = "lena",
            ["Drills:MisfireGrace"] = "00:05:00",
        };
        var starting = new[] { BotProcess.StartAsync(_dataA, settings), BotProcess.StartAsync(_dataB, settings) };
        await using var a = await starting[0];
        await using var b = await starting[1];
        var replicas = new[] { a, b };

        var scheduled = await a.Client.PostAsJsonAsync("/api/drills", new { cron = EveryTwoSeconds, runbook = "disk-filling-up", user = "lena" });
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);

        // Many times with both replicas up.
        const int before = 6;
        await Eventually.TrueAsync(async () => (await RunsAsync(b)).Count >= before, $"{before} drill runs", TimeSpan.FromSeconds(30));
        var firing = replicas.MaxBy(r => Ran(r).LastOrDefault())!;
        var survivor = firing == a ? b : a;
        firing.Kill();
        // What the killed replica wrote before it died has been read once its output has been quiet a moment.
        await Task.Delay(500);
        var next = Ran(firing).Last() + Interval;

        // The first time after the killed replica's last run, and its trigger perhaps taken by the dead replica: the
        // survivor runs it once the dead replica's check-ins have stopped long enough, then every time after it.
        var takeOver = PostgresScheduling.CheckinInterval + PostgresScheduling.CheckinMisfireThreshold + TimeSpan.FromSeconds(25);
        await Eventually.TrueAsync(async () => (await RunsAsync(survivor)).Any(r => r.ScheduledFor >= next + 2 * Interval), "runs after the kill",
            takeOver + 3 * Interval);
        Assert.Contains(next, Ran(survivor));
        var runs = await RunsAsync(survivor);
        var late = runs.Single(r => r.ScheduledFor == next).StartedAt!.Value - next;
        output.WriteLine($"{runs.Count} runs; the first time after the kill ran {late.TotalSeconds:0.0} s late on the survivor");
        Assert.True(late < takeOver, $"the time after the kill ran {late} late");

        var times = runs.Select(r => r.ScheduledFor).Order().ToList();
        // Each time once and none skipped, from the first run to the last, across the kill too.
        Assert.Equal(times.Count, times.Distinct().Count());
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(Interval, pair.Second - pair.First));
        Assert.All(runs, r => Assert.False(r.Missed));
        Assert.Equal(times.Count, runs.Select(r => r.IncidentNumber).Distinct().Count());
        // Quartz never fired one time on both replicas: the store's claim would have turned the second away, and said so.
        var ranAnywhere = Ran(firing).Concat(Ran(survivor)).ToList();
        Assert.Equal(ranAnywhere.Count, ranAnywhere.Distinct().Count());
        Assert.DoesNotContain("already run or recorded", firing.Output + survivor.Output);
    }

    public void Dispose()
    {
        foreach (var folder in new[] { _dataA, _dataB })
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The scheduled times this replica ran, in order, from its log.</summary>
    private static List<DateTimeOffset> Ran(BotProcess replica) =>
        RanLine().Matches(replica.Output).Select(m => DateTimeOffset.Parse(m.Groups["due"].Value, CultureInfo.InvariantCulture)).Order().ToList();

    private static async Task<List<RunView>> RunsAsync(BotProcess replica) =>
        JsonSerializer.Deserialize<List<RunView>>(await replica.Client.GetStringAsync("/api/drills/d1/runs"), Json.Options)!;

    [GeneratedRegex(@"Drill d1 due at (?<due>.+?) ran as ")]
    private static partial Regex RanLine();

    private sealed record RunView(DateTimeOffset ScheduledFor, DateTimeOffset? StartedAt, int? IncidentNumber, bool Missed);
}
