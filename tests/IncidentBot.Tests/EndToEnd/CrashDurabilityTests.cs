using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>An alert answered with 202 survives the process being killed with SIGKILL.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
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
        WebhookStorm storm;
        await using (var bot = await BotProcess.StartAsync(_data))
        {
            // Every request must be acknowledged until the kill; after it a failed connection means the process is gone.
            storm = WebhookStorm.Start(bot, alertsPerSender: 2_000, allowedRefusal: null, stopSenderWhenUnanswered: true);
            await storm.WaitForAcknowledgedAsync(400);
            bot.Kill();
            await storm.StopAsync();
        }

        await using var restarted = await BotProcess.StartAsync(_data);
        var attached = await SettledAlertsAsync(restarted, storm.Acknowledged.Count);

        // Reconcile exactly: nothing acknowledged is missing, nothing appears twice or from nowhere, and the only
        // alerts stored beyond the acknowledged ones are those whose answer the kill cut off.
        var acked = storm.Acknowledged.ToHashSet();
        Assert.Equal(attached.Count, attached.Distinct().Count());
        Assert.Empty(acked.Except(attached));
        Assert.Subset(storm.Unanswered.ToHashSet(), attached.Except(acked).ToHashSet());
        var incidents = await restarted.IncidentsAsync();
        Assert.Equal(attached.Select(a => a.Key).Distinct().Order(), incidents.Select(i => i.Title["Storm ".Length..]).Order());
        Assert.Equal(attached.Count, incidents.Sum(i => i.AlertCount));
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    /// <summary>Every alert attached to an incident, once the restarted bot has stopped attaching more.</summary>
    internal static async Task<List<StormAlert>> SettledAlertsAsync(BotProcess bot, int atLeast)
    {
        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Sum(i => i.AlertCount) >= atLeast,
            $"every acknowledged alert attached ({atLeast} acknowledged)", TimeSpan.FromSeconds(30));
        var previous = -1;
        var attached = new List<StormAlert>();
        // The processor may still be attaching alerts that were stored but never answered; wait until it is done.
        await Eventually.TrueAsync(async () =>
        {
            await Task.Delay(300);
            attached.Clear();
            foreach (var incident in await bot.IncidentsAsync())
            {
                var alerts = (await bot.IncidentAsync(incident.Number)).Alerts!;
                attached.AddRange(alerts.Select(a => new StormAlert(incident.Title["Storm ".Length..], a.Fingerprint)));
            }
            (var settled, previous) = (attached.Count == previous, attached.Count);
            return settled;
        }, "the attached alerts to settle", TimeSpan.FromSeconds(30));
        return attached;
    }

    private static Task<HttpResponseMessage> Post(BotProcess bot, string source, string body) =>
        bot.Client.PostAsync($"/webhooks/{source}", new StringContent(body, Encoding.UTF8, "application/json"));
}
