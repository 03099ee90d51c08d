using System.Diagnostics;
using System.Net;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>SIGTERM while alerts arrive: the bot finishes what it acknowledged, exits cleanly and loses nothing.</summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-sigterm-").FullName;

    [Fact]
    public async Task SigtermDuringAStormProcessesEveryAcknowledgedAlertBeforeExiting()
    {
        // A backlog stored while processing was paused: new alerts queue behind it in the inbox (an alert arriving to
        // an empty inbox is correlated before its 202), and one alert per commit keeps it there until SIGTERM, so
        // stopping has to drain it.
        var backlog = await StoreWhilePausedAsync(alerts: 2_000);
        IReadOnlyCollection<StormAlert> acknowledged;
        int exitCode;
        TimeSpan stopping;
        string output;
        await using (var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string>
        {
            ["shutdownTimeoutSeconds"] = "20",
            ["Intake:BatchSize"] = "1",
            // One client sending as fast as the bot answers (and, while stopping, as fast as it says 503): this test
            // is about stopping, not about the per-client webhook budget, which such a sender would soon spend.
            ["ClientLimits:WebhooksPerSecond"] = "1000000",
            ["ClientLimits:WebhookBurst"] = "1000000",
        }))
        {
            // 503 while stopping means "send again later"; a closed listener is what a real sender retries later too.
            var storm = WebhookStorm.Start(bot, alertsPerSender: 5_000, allowedRefusal: HttpStatusCode.ServiceUnavailable, stopSenderWhenUnanswered: false);
            await storm.WaitForAcknowledgedAsync(300);
            var started = Stopwatch.StartNew();
            exitCode = await bot.TerminateAsync(TimeSpan.FromSeconds(30));
            stopping = started.Elapsed;
            await storm.StopAsync();
            acknowledged = [.. storm.Acknowledged, .. backlog];
            output = bot.Output;
        }

        Assert.Equal(0, exitCode);
        Assert.True(stopping < TimeSpan.FromSeconds(20), $"stopping took {stopping}");
        // The data file as the bot left it: nothing waiting, every acknowledged alert on its incident, one incident per key.
        using var storage = new LiteDbStorage(Path.Combine(_data, "incidentbot.db"), NullLogger<LiteDbStorage>.Instance);
        Assert.Equal(0, storage.PendingCount());
        var incidents = storage.List(new IncidentQuery(IncidentStatusFilter.All, int.MaxValue));
        Assert.Equal(acknowledged.Select(a => a.Key).Distinct().Count(), incidents.Count);
        foreach (var incident in incidents)
        {
            var attached = storage.AlertsOf(incident.Number).Select(a => a.Fingerprint).ToHashSet();
            var expected = acknowledged.Where(a => incident.Title == $"Storm {a.Key}").Select(a => a.Fingerprint).ToList();
            Assert.True(expected.All(attached.Contains), $"{incident.Reference}: {expected.Count(f => !attached.Contains(f))} acknowledged alert(s) missing");
        }
        Assert.Contains("Stopped with every stored alert processed", output);
    }

    private async Task<IReadOnlyCollection<StormAlert>> StoreWhilePausedAsync(int alerts)
    {
        await using var paused = await BotProcess.StartAsync(_data, new Dictionary<string, string> { ["Intake:PauseProcessing"] = "true" });
        var stored = Enumerable.Range(0, alerts).Select(i => StormAlert.Numbered(i, $"backlog-{i}")).ToList();
        await Parallel.ForEachAsync(stored, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (alert, cancellationToken) =>
        {
            using var body = alert.ToContent();
            using var response = await paused.Client.PostAsync("/webhooks/generic", body, cancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        });
        Assert.Equal(0, await paused.TerminateAsync(TimeSpan.FromSeconds(30)));
        return stored;
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
