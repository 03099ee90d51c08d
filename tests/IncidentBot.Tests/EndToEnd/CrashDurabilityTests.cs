using System.Collections.Concurrent;
using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>An alert answered with 202 survives the process being killed with SIGKILL.</summary>
public sealed class CrashDurabilityTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-crash-").FullName;

    [Fact]
    public async Task AcceptedButUnprocessedAlertsBecomeIncidentsAfterAKillAndRestart()
    {
        await using (var paused = await BotProcess.StartAsync(_data, new Dictionary<string, string> { ["Intake:PauseProcessing"] = "true" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Post(paused, "alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"))).StatusCode);
            for (var i = 0; i < 30; i++)
            {
                var response = await Post(paused, "generic", $$"""{"title":"Queue {{i % 3}} backlog","dedupKey":"queue-{{i % 3}}","fingerprint":"f{{i}}"}""");
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
            Assert.Empty(await paused.IncidentsAsync()); // stored, not processed
            paused.Kill();
        }

        await using var restarted = await BotProcess.StartAsync(_data);
        await Eventually.TrueAsync(async () => (await restarted.IncidentsAsync()).Sum(i => i.AlertCount) == 32, "all 32 alerts to be attached", TimeSpan.FromSeconds(30));

        var incidents = await restarted.IncidentsAsync();
        Assert.Equal(4, incidents.Count);
        Assert.Equal(2, incidents.Single(i => i.Title == "High CPU core temperature").AlertCount);
        Assert.All(incidents.Where(i => i.Title.StartsWith("Queue")), i => Assert.Equal(10, i.AlertCount));
    }

    [Fact]
    public async Task KillDuringAStormLosesNoAcknowledgedAlertAndDuplicatesNoIncident()
    {
        var acknowledged = new ConcurrentBag<(string Key, string Fingerprint)>();
        await using (var bot = await BotProcess.StartAsync(_data))
        {
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested && i < 2_000; i++)
                {
                    var (key, fingerprint) = ($"key-{i % 20}", $"s{sender}-{i}");
                    try
                    {
                        var response = await Post(bot, "generic", $$"""{"title":"Storm {{key}}","dedupKey":"{{key}}","fingerprint":"{{fingerprint}}"}""");
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            acknowledged.Add((key, fingerprint));
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone
                    }
                }
            })).ToArray();

            await Eventually.TrueAsync(() => acknowledged.Count >= 400, "400 acknowledged alerts", TimeSpan.FromSeconds(60));
            bot.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        await using var restarted = await BotProcess.StartAsync(_data);
        var expected = acknowledged.ToList();
        await Eventually.TrueAsync(async () => (await restarted.IncidentsAsync()).Sum(i => i.AlertCount) >= expected.Count,
            $"every acknowledged alert attached ({expected.Count} acknowledged)", TimeSpan.FromSeconds(30));

        var incidents = await restarted.IncidentsAsync();
        Assert.Equal(incidents.Count, incidents.Select(i => i.Title).Distinct().Count()); // one incident per key
        foreach (var key in expected.Select(e => e.Key).Distinct())
        {
            var incident = incidents.Single(i => i.Title == $"Storm {key}");
            var attached = (await restarted.IncidentAsync(incident.Number)).Alerts!.Select(a => a.Fingerprint).ToHashSet();
            Assert.True(expected.Where(e => e.Key == key).All(e => attached.Contains(e.Fingerprint)), $"an acknowledged alert of {key} is missing");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private static Task<HttpResponseMessage> Post(BotProcess bot, string source, string body) =>
        bot.Client.PostAsync($"/webhooks/{source}", new StringContent(body, Encoding.UTF8, "application/json"));
}
