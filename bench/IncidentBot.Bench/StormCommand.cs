using System.Diagnostics;
using IncidentBot.Bench.Baselines;
using IncidentBot.Bench.Bot;
using IncidentBot.Bench.Load;
using IncidentBot.Bench.Report;
using IncidentBot.Tests.Slack.Fakes;

namespace IncidentBot.Bench;

/// <summary>
/// <c>storm</c>: the two baselines (HTTP, and the store the bot runs on: LiteDB or PostgreSQL), then the bot under
/// the same storm with Slack switched on against a fake Slack that answers in 50 ms and enforces Slack's limits;
/// prints the figures and checks the targets.
/// </summary>
public static class StormCommand
{
    private static readonly TimeSpan AttachPatience = TimeSpan.FromMinutes(2);

    /// <summary>How long the bench waits at most for the bot's JIT to go quiet after the warm-ups.</summary>
    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(20);

    /// <summary>Fewer methods than this compiled in a second: the JIT has finished with what the warm-ups called.</summary>
    private const int QuietMethodsPerSecond = 20;

    public static async Task<int> RunAsync(StormOptions options)
    {
        var plan = options.Plan;
        var folder = Directory.CreateTempSubdirectory("incidentbot-bench-");
        await using var postgres = options.Store == BenchStore.Postgres ? await BenchPostgres.OpenAsync(options.PostgresConnectionString, options.DatabaseLatency) : null;
        try
        {
            var requests = StormPayloads.Build(plan);
            Console.WriteLine($"Storm ({plan.Name}, {(postgres is null ? "LiteDB" : "PostgreSQL")}): {plan.TotalAlerts:N0} alerts in {requests.Count:N0} webhooks over {plan.DistinctKeys:N0} keys, {plan.Connections} connections, {Environment.ProcessorCount} cores{LoadAverage()}");

            var http = await HttpBaselineAsync(plan, requests);
            Console.WriteLine($"  HTTP baseline (empty endpoint): {http.AlertsPerSecond:N0} alerts/s");
            var (store, storeSettings) = postgres is null
                ? (LiteDbBaselines(plan, requests, folder.FullName), new Dictionary<string, string>())
                : await PostgresBaselinesAsync(plan, requests, postgres);
            foreach (var (name, value) in options.BotEnvironment ?? new Dictionary<string, string>())
            {
                storeSettings[name] = value;
            }

            if (postgres is not null && options.Replicas > 1)
            {
                return await CompareReplicasAsync(plan, requests, folder, postgres, options, http, store, storeSettings);
            }
            var report = await MeasuredStormAsync(plan, requests, folder.CreateSubdirectory("bot").FullName, storeSettings, options.Store, http, store, replicas: 1, postgres?.ServerProcessId, options.BotAssembly ?? BenchPaths.BotAssembly(), options.WarmUps);
            report.Print(Console.Out);
            return report.AllTargetsMet ? 0 : 1;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The storm against one replica, then against N on the same server (a fresh database each), side by side.</summary>
    private static async Task<int> CompareReplicasAsync(StormPlan plan, IReadOnlyList<StormRequest> requests, DirectoryInfo folder, BenchPostgres postgres, StormOptions options,
        LoadResult http, StoreBaselineResult store, Dictionary<string, string> oneReplicaSettings)
    {
        var reports = new List<StormReport>();
        foreach (var replicas in new[] { 1, options.Replicas })
        {
            var settings = replicas == 1 ? oneReplicaSettings : new Dictionary<string, string>(oneReplicaSettings)
            {
                ["ConnectionStrings:IncidentBot"] = await postgres.CreateDatabaseAsync("bench_bot"),
            };
            Console.WriteLine($"  the bot storm against {replicas} replica{(replicas == 1 ? "" : "s")}{LoadAverage()}");
            reports.Add(await MeasuredStormAsync(plan, requests, folder.CreateSubdirectory($"bot{replicas}").FullName, settings, options.Store, http, store, replicas, postgres.ServerProcessId, options.BotAssembly ?? BenchPaths.BotAssembly(), options.WarmUps));
        }
        foreach (var report in reports)
        {
            Console.WriteLine();
            Console.WriteLine($"=== {report.Replicas} replica{(report.Replicas == 1 ? "" : "s")}");
            report.Print(Console.Out);
        }
        StormReport.PrintSideBySide(Console.Out, reports);
        return reports.All(r => r.AllTargetsMet) ? 0 : 1;
    }

    private static async Task<StormReport> MeasuredStormAsync(StormPlan plan, IReadOnlyList<StormRequest> requests, string dataFolder, Dictionary<string, string> storeSettings,
        BenchStore storeKind, LoadResult http, StoreBaselineResult store, int replicas, int? databaseProcessId, string botAssembly, int warmUps)
    {
        var bot = await BotStormAsync(plan, requests, dataFolder, storeSettings, replicas, databaseProcessId, botAssembly, warmUps);
        if (storeSettings.TryGetValue("ConnectionStrings:IncidentBot", out var botDatabase))
        {
            var stored = await BenchPostgres.CountStoredAsync(botDatabase);
            bot = bot with { InDatabase = stored with { Alerts = stored.Alerts - bot.WarmUp.Alerts, Incidents = stored.Incidents - bot.WarmUp.Incidents } };
        }
        return new StormReport(plan, storeKind, bot, http, store, replicas);
    }

    private static StoreBaselineResult LiteDbBaselines(StormPlan plan, IReadOnlyList<StormRequest> requests, string folder)
    {
        var store = LiteDbBaseline.Run(requests, plan.LiteDbBatchSize, folder);
        Console.WriteLine($"  LiteDB baseline (LiteDbStorage.Append, {store.Batching}): {store.AlertsPerSecond:N0} alerts/s");
        var small = LiteDbBaseline.RunInWebhookBatches(requests, plan.Connections, folder);
        Console.WriteLine($"  for context, LiteDB in the bot's group-commit sizes ({small.Batching}): {small.AlertsPerSecond:N0} alerts/s");
        return store;
    }

    /// <summary>
    /// The baseline is PostgreSQL in the bot's group-commit sizes (each run in a fresh scratch database on the
    /// server the bot uses); the bot gets a fresh database of its own.
    /// </summary>
    private static async Task<(StoreBaselineResult, Dictionary<string, string>)> PostgresBaselinesAsync(StormPlan plan, IReadOnlyList<StormRequest> requests, BenchPostgres postgres)
    {
        Console.WriteLine($"  {await postgres.DescribeAsync()}");
        var store = await PostgresBaseline.RunInWebhookBatchesAsync(requests, plan.Connections, await postgres.CreateDatabaseAsync("bench_baseline"), postgres.ServerProcessId);
        var serverCpu = store.ServerCpu is { } cpu ? $", PostgreSQL CPU {CpuUsed.PerAlert(cpu, store.Alerts):N1} µs per alert" : "";
        Console.WriteLine($"  PostgreSQL baseline (binary COPY into the inbox table, one writer, {store.Batching}): {store.AlertsPerSecond:N0} alerts/s{serverCpu}");
        var large = await PostgresBaseline.RunAsync(requests, plan.LiteDbBatchSize, await postgres.CreateDatabaseAsync("bench_baseline"));
        Console.WriteLine($"  for context, PostgreSQL in batches of {large.Batching}: {large.AlertsPerSecond:N0} alerts/s");
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:IncidentBot"] = await postgres.CreateDatabaseAsync("bench_bot"),
            // BotLaunch names a LiteDB file for every bot; on PostgreSQL there is none.
            ["Storage:Path"] = "",
        };
        return (store, settings);
    }

    /// <summary>Other work on the machine skews every figure, so the report says how busy it was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? $", load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start" : "";

    private static async Task<LoadResult> HttpBaselineAsync(StormPlan plan, IReadOnlyList<StormRequest> requests)
    {
        var address = EmptyEndpoint.NewAddress();
        using var endpoint = await EmptyEndpoint.StartAsync(address);
        try
        {
            using var driver = new LoadDriver(address, plan.Connections);
            await driver.SendAsync(StormPayloads.WarmUp(200));
            return await driver.SendAsync(requests);
        }
        finally
        {
            endpoint.Kill();
            await endpoint.WaitForExitAsync();
        }
    }

    private static async Task<BotStormResult> BotStormAsync(StormPlan plan, IReadOnlyList<StormRequest> requests, string dataFolder, Dictionary<string, string> storeSettings, int replicas,
        int? databaseProcessId, string botAssembly, int warmUps)
    {
        await using var slack = await FakeSlackApi.StartAsync(new FakeSlackOptions { Latency = TimeSpan.FromMilliseconds(50) });
        var settings = new Dictionary<string, string>(storeSettings)
        {
            ["Slack:BotToken"] = "xoxb-test",
            ["Slack:SigningSecret"] = "bench-signing-secret",
            ["Slack:ApiBaseUrl"] = slack.BaseUrl.ToString(),
            // The whole storm comes from one client (127.0.0.1) as fast as the bot answers: the bench measures
            // intake, not the per-client budgets, so it gives itself a budget no storm reaches.
            ["ClientLimits:WebhooksPerSecond"] = "1000000",
            ["ClientLimits:WebhookBurst"] = "1000000",
            ["ClientLimits:RequestsPerSecond"] = "1000000",
            ["ClientLimits:RequestBurst"] = "1000000",
        };
        // Replicas start one after the other, as a rollout starts them: the first migrates the empty database.
        var bots = new List<BotUnderTest>();
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                bots.Add(await BotUnderTest.StartAsync(botAssembly, Directory.CreateDirectory(Path.Combine(dataFolder, $"replica{i}")).FullName, settings));
            }
            return await StormThroughAsync(plan, requests, bots, slack, databaseProcessId, warmUps);
        }
        finally
        {
            foreach (var bot in bots)
            {
                await bot.DisposeAsync();
            }
        }
    }

    private static async Task<BotStormResult> StormThroughAsync(StormPlan plan, IReadOnlyList<StormRequest> requests, List<BotUnderTest> bots, FakeSlackApi slack, int? databaseProcessId, int warmUps)
    {
        var bot = bots[0];
        using var driver = new LoadDriver(bots.Select(b => b.Address).ToList(), plan.Connections);
        using var watcher = new AttachmentWatcher(bot.Address);
        var warmUpAlerts = 0;
        var warm = new AttachmentResult(0, 0, TimeSpan.Zero);
        for (var round = 1; round <= warmUps; round++)
        {
            var warmUp = StormPayloads.BotWarmUp(round);
            await driver.SendAsync(warmUp);
            warmUpAlerts += warmUp.Sum(r => r.Alerts);
            warm = await watcher.WaitForAsync(warmUpAlerts, AttachPatience);
        }
        var callsBefore = slack.Calls.Count;

        // CPU from the first request of the measured storm until every alert is attached: the work of the storm itself.
        TimeSpan BotCpu() => bots.Aggregate(TimeSpan.Zero, (sum, b) => sum + b.CpuTime);
        TimeSpan? DatabaseCpu() => databaseProcessId is { } pid ? ProcessCpu.OfTree(pid) : null;
        async Task<RuntimeCounters> RuntimeAsync() => (await Task.WhenAll(bots.Select(b => RuntimeCounters.ReadAsync(b.Address)))).Aggregate(RuntimeCounters.None, (sum, c) => sum + c);
        // The tiered JIT recompiles the methods the warm-ups called often in the background, after they return: the
        // measured storm starts once it has finished, as it would have in a bot that has been running for a while.
        var settle = Stopwatch.StartNew();
        var runtimeBefore = await RuntimeAsync();
        while (settle.Elapsed < SettlePatience)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = await RuntimeAsync();
            var compiled = now.JitMethods - runtimeBefore.JitMethods;
            runtimeBefore = now;
            if (compiled < QuietMethodsPerSecond)
            {
                break;
            }
        }
        var settled = settle.Elapsed;
        TimeSpan? BenchCpu() => ProcessCpu.Of(Environment.ProcessId);
        var (botCpuBefore, databaseCpuBefore, benchCpuBefore, machineBefore) = (BotCpu(), DatabaseCpu(), BenchCpu(), ProcessCpu.Machine());
        var load = await driver.SendAsync(requests);
        var attached = await watcher.WaitForAsync(warm.Alerts + plan.TotalAlerts, AttachPatience);
        var (botCpuAfter, databaseCpuAfter, benchCpuAfter, machineAfter) = (BotCpu(), DatabaseCpu(), BenchCpu(), ProcessCpu.Machine());
        var cpu = new CpuUsed(botCpuAfter - botCpuBefore, databaseCpuAfter - databaseCpuBefore, await RuntimeAsync() - runtimeBefore,
            benchCpuAfter - benchCpuBefore, machineAfter is { } after && machineBefore is { } before ? after - before : null);
        // Only the measured storm counts: the warm-up's incidents, alerts and Slack calls are taken off.
        attached = attached with { Incidents = attached.Incidents - warm.Incidents, Alerts = attached.Alerts - warm.Alerts };
        var calls = slack.Calls.Skip(callsBefore).ToList();
        var refused = calls.Where(c => c.StatusCode == 429).GroupBy(c => c.Method).ToDictionary(g => g.Key, g => g.Count());
        return new BotStormResult(load, attached, calls.Count, refused, bots.Max(b => b.PeakWorkingSet), WarmUp: warm, Cpu: cpu) { WarmUps = warmUps, JitSettledAfter = settled };
    }
}
