using IncidentBot.Bench.Baselines;
using IncidentBot.Bench.Bot;
using IncidentBot.Bench.Load;

namespace IncidentBot.Bench.Report;

/// <summary>
/// The figures of one storm run and the targets checked against them: issue 10's on LiteDB, issue 17's on PostgreSQL
/// (intake against the PostgreSQL baseline, p99 under 100 ms with the database server on the same two cores).
/// </summary>
public sealed class StormReport(StormPlan plan, BenchStore store, BotStormResult bot, LoadResult http, StoreBaselineResult baseline, int replicas = 1)
{
    /// <summary>How many bot processes shared the storm (and the database).</summary>
    public int Replicas => replicas;

    public BotStormResult Bot => bot;

    public StormPlan Plan => plan;

    private const long MaxWorkingSet = 500L * 1024 * 1024;

    private static double MaxP99Ms(BenchStore store) => store == BenchStore.Postgres ? 100 : 50;

    public IReadOnlyList<(string Target, bool Met)> Targets { get; } =
    [
        ("every webhook answered 202", bot.Intake.Failures == 0),
        store == BenchStore.Postgres
            ? ("intake >= 0.5 x the PostgreSQL baseline", bot.Intake.AlertsPerSecond >= 0.5 * baseline.AlertsPerSecond)
            : ("intake >= 0.5 x the slower baseline", bot.Intake.AlertsPerSecond >= 0.5 * Math.Min(http.AlertsPerSecond, baseline.AlertsPerSecond)),
        ($"p99 acknowledgement < {MaxP99Ms(store):N0} ms", bot.Intake.Percentile(0.99) < MaxP99Ms(store)),
        ("every alert attached within 5 s of the last 202", bot.Attached.Alerts == plan.TotalAlerts && bot.Attached.Elapsed < TimeSpan.FromSeconds(5)),
        ($"incidents opened = distinct keys ({plan.DistinctKeys:N0})", bot.Attached.Incidents == plan.DistinctKeys),
        ("zero 429s received from Slack", bot.SlackRateLimited == 0),
        (replicas == 1 ? "peak working set < 500 MB" : "peak working set < 500 MB per replica", bot.PeakWorkingSetBytes < MaxWorkingSet),
        .. store == BenchStore.Postgres
            ? [($"PostgreSQL holds every alert ({plan.TotalAlerts:N0}) attached, none left in the inbox", bot.InDatabase is { } rows && rows.Alerts == plan.TotalAlerts && rows.Inbox == 0)]
            : Array.Empty<(string, bool)>(),
    ];

    public bool AllTargetsMet => Targets.All(t => t.Met);

    public void Print(TextWriter output)
    {
        var intake = bot.Intake;
        output.WriteLine();
        output.WriteLine($"Warm-up:               {bot.WarmUps} storm{(bot.WarmUps == 1 ? "" : "s")} of {bot.WarmUp.Alerts / bot.WarmUps:N0} alerts, then the JIT quiet after {bot.JitSettledAfter.TotalSeconds:N1} s");
        output.WriteLine($"Bot intake:            {intake.AlertsPerSecond:N0} alerts/s ({intake.Alerts:N0} alerts, {intake.Requests:N0} webhooks in {intake.LastAccepted.TotalSeconds:N2} s, {intake.Failures} not 202)");
        output.WriteLine($"  vs HTTP baseline:    {intake.AlertsPerSecond / http.AlertsPerSecond:N2} x ({http.AlertsPerSecond:N0} alerts/s)");
        output.WriteLine($"  vs {baseline.Store} baseline: {intake.AlertsPerSecond / baseline.AlertsPerSecond:N2} x ({baseline.AlertsPerSecond:N0} alerts/s, {baseline.Batching})");
        output.WriteLine($"Acknowledgement:       p50 {intake.Percentile(0.50):N1} ms, p99 {intake.Percentile(0.99):N1} ms, max {intake.MaxMs:N1} ms");
        output.WriteLine($"  HTTP baseline:       p50 {http.Percentile(0.50):N1} ms, p99 {http.Percentile(0.99):N1} ms, max {http.MaxMs:N1} ms");
        output.WriteLine($"All attached after:    {bot.Attached.Elapsed.TotalSeconds:N2} s from the last 202 ({bot.Attached.Alerts:N0} of {plan.TotalAlerts:N0} alerts)");
        output.WriteLine($"Incidents opened:      {bot.Attached.Incidents:N0} (distinct keys: {plan.DistinctKeys:N0})");
        if (bot.InDatabase is { } rows)
        {
            output.WriteLine($"In PostgreSQL:         {rows.Alerts:N0} alerts, {rows.Incidents:N0} incidents, {rows.Inbox:N0} inbox entries (lost: {Math.Max(0, plan.TotalAlerts - rows.Alerts):N0})");
        }
        var refused = string.Join(", ", bot.SlackRateLimitedByMethod.Select(m => $"{m.Key} {m.Value}"));
        output.WriteLine($"Slack:                 {bot.SlackCalls:N0} calls, {bot.SlackRateLimited} answered 429{(refused.Length > 0 ? $" ({refused})" : "")}");
        output.WriteLine($"Peak working set:      {bot.PeakWorkingSetBytes / 1024.0 / 1024.0:N0} MB");
        if (bot.Cpu is { } cpu)
        {
            output.WriteLine($"CPU per alert:         bot {CpuUsed.PerAlert(cpu.Bot, intake.Alerts):N1} µs ({cpu.Bot.TotalSeconds:N2} s user+sys){(cpu.Database is { } db ? $", PostgreSQL {CpuUsed.PerAlert(db, intake.Alerts):N1} µs ({db.TotalSeconds:N2} s, every server process)" : "")}, first request to all attached");
            output.WriteLine($"  of the bot's:        JIT {cpu.Runtime.JitSeconds:N2} s ({cpu.Runtime.JitMethods:N0} methods compiled), GC pauses {cpu.Runtime.GcPauseSeconds:N2} s, {cpu.Runtime.AllocatedBytes / intake.Alerts / 1024:N1} KB allocated per alert");
            if (cpu.Bench is { } bench && cpu.Machine is { } machine)
            {
                output.WriteLine($"  this bench's:        {CpuUsed.PerAlert(bench, intake.Alerts):N1} µs (the load's connections and the fake Slack); the machine's {Environment.ProcessorCount} cores {machine.BusyShare:P0} busy");
            }
            if (cpu.CeilingAlertsPerSecond(intake.Alerts) is { } ceiling)
            {
                output.WriteLine($"CPU ceiling:           {ceiling:N0} alerts/s ({ceiling / baseline.AlertsPerSecond:N2} x the baseline): the bot and PostgreSQL at this CPU per alert with all {Environment.ProcessorCount} cores theirs");
            }
        }
        output.WriteLine();
        foreach (var (target, met) in Targets)
        {
            output.WriteLine($"  [{(met ? "met " : "MISS")}] {target}");
        }
    }

    /// <summary>The same figures of several runs (one replica, N replicas) in columns.</summary>
    public static void PrintSideBySide(TextWriter output, IReadOnlyList<StormReport> reports)
    {
        string Row(string name, Func<StormReport, string> figure) => $"{name,-34}" + string.Concat(reports.Select(r => $"{figure(r),18}"));
        output.WriteLine();
        output.WriteLine(Row("Side by side", r => $"{r.Replicas} replica{(r.Replicas == 1 ? "" : "s")}"));
        output.WriteLine(Row("intake (alerts/s)", r => $"{r.Bot.Intake.AlertsPerSecond:N0}"));
        output.WriteLine(Row("acknowledgement p50 (ms)", r => $"{r.Bot.Intake.Percentile(0.50):N1}"));
        output.WriteLine(Row("acknowledgement p99 (ms)", r => $"{r.Bot.Intake.Percentile(0.99):N1}"));
        output.WriteLine(Row("acknowledgement max (ms)", r => $"{r.Bot.Intake.MaxMs:N1}"));
        output.WriteLine(Row("webhooks not 202", r => $"{r.Bot.Intake.Failures:N0}"));
        output.WriteLine(Row("all attached after last 202 (s)", r => $"{r.Bot.Attached.Elapsed.TotalSeconds:N2}"));
        output.WriteLine(Row("lost (acknowledged, not stored)", r => r.Bot.InDatabase is { } rows ? $"{Math.Max(0, r.Plan.TotalAlerts - rows.Alerts):N0}" : "?"));
        output.WriteLine(Row("incidents opened", r => $"{r.Bot.Attached.Incidents:N0}"));
        output.WriteLine(Row("Slack calls / 429s", r => $"{r.Bot.SlackCalls:N0} / {r.Bot.SlackRateLimited:N0}"));
        output.WriteLine(Row("bot CPU per alert (µs, all replicas)", r => r.Bot.Cpu is { } cpu ? $"{CpuUsed.PerAlert(cpu.Bot, r.Bot.Intake.Alerts):N1}" : "?"));
        output.WriteLine(Row("PostgreSQL CPU per alert (µs)", r => r.Bot.Cpu?.Database is { } db ? $"{CpuUsed.PerAlert(db, r.Bot.Intake.Alerts):N1}" : "?"));
        output.WriteLine(Row("peak working set per replica (MB)", r => $"{r.Bot.PeakWorkingSetBytes / 1024.0 / 1024.0:N0}"));
        output.WriteLine(Row("every target met", r => r.AllTargetsMet ? "yes" : "NO"));
    }
}
