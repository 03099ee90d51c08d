using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>
/// An incident's firing count stays true after a resolve: alerts that resolve after people resolved their incident
/// (often minutes later) are counted as resolved there too, whether another incident of the same group is open by then
/// or not, and whichever way they arrive (one by one, in one batch, sent again).
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class FiringCountAfterResolveTests
{
    private static string Alert(string fingerprint, string status = "firing", string key = "checkout") =>
        $$"""{"title":"Checkout errors","dedupKey":"{{key}}","fingerprint":"{{fingerprint}}","status":"{{status}}"}""";

    private static async Task PostAsync(IncidentBotApplication app, params string[] alerts)
    {
        await app.PostRawAsync("/webhooks/generic", alerts.Length == 1 ? alerts[0] : $"[{string.Join(",", alerts)}]");
        await app.WaitForProcessingAsync();
    }

    private static async Task<(int Firing, int Total)> CountsAsync(IncidentBotApplication app, int number)
    {
        var incident = await app.GetIncidentAsync(number);
        var listed = (await app.ListIncidentsAsync()).Single(i => i.Number == number);
        // The list and the incident agree, and both agree with the alerts themselves.
        Assert.Equal(incident.FiringAlertCount, listed.FiringAlertCount);
        Assert.Equal(incident.Alerts!.Count(a => a.Status == "firing"), incident.FiringAlertCount);
        return (incident.FiringAlertCount, incident.AlertCount);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(12, true)]
    public async Task AlertsResolvingAfterTheIncidentWasResolvedAreCountedThere(int alerts, bool inOneBatch)
    {
        await using var app = new IncidentBotApplication();
        var fingerprints = Enumerable.Range(1, alerts).Select(i => $"host-{i}").ToArray();
        await PostAsync(app, fingerprints.Select(f => Alert(f)).ToArray());
        Assert.Equal((alerts, alerts), await CountsAsync(app, 1));
        Assert.True((await app.CommandAsync(1, "alice", "resolve rolled back")).Ok);

        if (inOneBatch)
        {
            await PostAsync(app, fingerprints.Select(f => Alert(f, "resolved")).ToArray());
        }
        else
        {
            foreach (var fingerprint in fingerprints)
            {
                await PostAsync(app, Alert(fingerprint, "resolved"));
            }
        }

        Assert.Equal((0, alerts), await CountsAsync(app, 1));
        await app.WaitForConsoleRoomAsync(1);
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("resolved", incident.Status);
        Assert.Contains(incident.Timeline!, e => e.Kind == "alert-resolved");
        Assert.Equal("all-alerts-resolved", incident.Timeline![^1].Kind);
        // Sent again (Alertmanager repeats resolved notifications): nothing changes, and no new incident opens.
        await PostAsync(app, fingerprints.Select(f => Alert(f, "resolved")).ToArray());
        Assert.Equal((0, alerts), await CountsAsync(app, 1));
        Assert.Equal(incident.Timeline!.Count, (await app.GetIncidentAsync(1)).Timeline!.Count);
        Assert.Single(await app.ListIncidentsAsync());
    }

    [Fact]
    public async Task AnAlertFiringAgainInANewIncidentResolvesInBothWhenItResolves()
    {
        await using var app = new IncidentBotApplication();
        await PostAsync(app, Alert("a"), Alert("b"));
        await app.CommandAsync(1, "alice", "resolve");
        // "a" fires again: the group's incident is resolved, so a new one opens with it.
        await PostAsync(app, Alert("a"));
        Assert.Equal((2, 2), await CountsAsync(app, 1));
        Assert.Equal((1, 1), await CountsAsync(app, 2));

        await PostAsync(app, Alert("a", "resolved"));

        Assert.Equal((1, 2), await CountsAsync(app, 1));
        Assert.Equal((0, 1), await CountsAsync(app, 2));
        await PostAsync(app, Alert("b", "resolved"));
        Assert.Equal((0, 2), await CountsAsync(app, 1));
        Assert.Equal("resolved", (await app.GetIncidentAsync(1)).Status);
    }

    [Fact]
    public async Task OtherGroupsAndOtherAlertsAreNotTouched()
    {
        await using var app = new IncidentBotApplication();
        await PostAsync(app, Alert("a"), Alert("a", key: "search"));
        await app.CommandAsync(1, "alice", "resolve");
        await app.CommandAsync(2, "alice", "resolve");

        // Same fingerprint, other group; then an alert this incident never had.
        await PostAsync(app, Alert("a", "resolved", key: "search"));
        await PostAsync(app, Alert("zzz", "resolved"));

        Assert.Equal((1, 1), await CountsAsync(app, 1));
        Assert.Equal((0, 1), await CountsAsync(app, 2));
    }

    [Fact]
    public async Task AResolvedAlertOfNoIncidentAtAllChangesNothing()
    {
        await using var app = new IncidentBotApplication();

        await PostAsync(app, Alert("a", "resolved"), Alert("b", "resolved", key: "search"));

        Assert.Empty(await app.ListIncidentsAsync());
    }

    [Fact]
    public async Task AutoResolveStillResolvesWhenTheLastAlertDoes()
    {
        await using var app = new IncidentBotApplication(new() { ["Incidents:AutoResolve"] = "true" });
        await PostAsync(app, Alert("a"), Alert("b"));

        await PostAsync(app, Alert("a", "resolved"), Alert("b", "resolved"));

        Assert.Equal((0, 2), await CountsAsync(app, 1));
        Assert.Equal("resolved", (await app.GetIncidentAsync(1)).Status);
    }
}
