using System.Net;
using System.Net.Http.Json;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>Alert webhooks through real HTTP into incidents stored in a LiteDB file.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class AlertIntakeTests
{
    [Fact]
    public async Task AlertmanagerNotificationOpensOneIncidentWithBothAlerts()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("\"accepted\":2", await response.Content.ReadAsStringAsync());
        await app.WaitForProcessingAsync();
        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(1, incident.Number);
        Assert.Equal("High CPU core temperature", incident.Title);
        Assert.Equal("SEV1", incident.Severity); // severity=critical
        Assert.Equal("triggered", incident.Status);
        Assert.Equal(2, incident.AlertCount);
        Assert.Equal(2, incident.FiringAlertCount);

        var detail = await app.GetIncidentAsync(1);
        Assert.Equal(["a1bc48475b20e73d", "c2ea85182f28cbd9"], detail.Alerts!.Select(a => a.Fingerprint).Order());
        Assert.Equal("opened", detail.Timeline![0].Kind);
        Assert.Equal("alertmanager", detail.Timeline[0].Actor);
        Assert.NotNull(detail.RunbookSessions);
    }

    [Fact]
    public async Task ServiceComesFromTheJobLabelWhenThereIsNoServiceLabel()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts-captured-compact.json"));
        await app.WaitForProcessingAsync();

        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal("services", incident.Service); // first alert's job label
        Assert.Equal("SEV1", incident.Severity); // the second alert is critical and raises it
    }

    [Fact]
    public async Task SameGroupKeyAttachesToTheOpenIncidentAndOtherKeysOpenTheirOwn()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout errors","dedupKey":"checkout","fingerprint":"a"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout errors","dedupKey":"checkout","fingerprint":"b"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Search slow","dedupKey":"search","severity":"warning"}""");
        await app.WaitForProcessingAsync();

        var incidents = await app.ListIncidentsAsync();
        Assert.Equal(2, incidents.Count);
        Assert.Equal(2, incidents.Single(i => i.Title == "Checkout errors").AlertCount);
        Assert.Equal("SEV3", incidents.Single(i => i.Title == "Search slow").Severity);
    }

    [Fact]
    public async Task RepeatedNotificationAddsNothingTwice()
    {
        await using var app = new IncidentBotApplication();
        var body = Fixtures.Read("alerts/alertmanager/firing-two-alerts.json");

        await app.PostRawAsync("/webhooks/alertmanager", body);
        await app.WaitForProcessingAsync();
        // The web room opens asynchronously and adds its own timeline entry; let it settle first.
        await Eventually.TrueAsync(async () => (await app.GetIncidentAsync(1)).Channels.Count > 0, "the web room to open");
        var before = await app.GetIncidentAsync(1);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/alertmanager", body)).StatusCode);
        }
        await app.WaitForProcessingAsync();

        var after = await app.GetIncidentAsync(1);
        Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(2, after.AlertCount);
        Assert.Equal(before.Timeline!.Count, after.Timeline!.Count);
    }

    [Fact]
    public async Task AlertsArrivingTogetherShareOneTimelineLinePerChange()
    {
        await using var app = new IncidentBotApplication();
        static string Alerts(string status, params int[] fingerprints) =>
            "[" + string.Join(",", fingerprints.Select(f => $$"""{"title":"Queue backlog","dedupKey":"queue","fingerprint":"q{{f}}","status":"{{status}}"}""")) + "]";

        await app.PostRawAsync("/webhooks/generic", Alerts("firing", 1));
        await app.PostRawAsync("/webhooks/generic", Alerts("firing", 2));
        await app.PostRawAsync("/webhooks/generic", Alerts("firing", 3, 4, 5, 6, 7));
        await app.PostRawAsync("/webhooks/generic", Alerts("resolved", 1, 2, 3, 4, 5, 6, 7));
        await app.WaitForProcessingAsync();

        var incident = await app.GetIncidentAsync(1);
        Assert.Equal(7, incident.AlertCount);
        Assert.Equal(
            [
                "Alert firing: Queue backlog (q2)",
                "5 alerts firing: Queue backlog (q3), Queue backlog (q4), Queue backlog (q5) and 2 more",
                "7 alerts resolved: Queue backlog (q1), Queue backlog (q2), Queue backlog (q3) and 4 more",
                "All 7 alerts have resolved",
            ],
            incident.Timeline!.Where(t => t.Kind.StartsWith("alert", StringComparison.Ordinal) || t.Kind == "all-alerts-resolved").Select(t => t.Text));
    }

    [Fact]
    public async Task ResolvedAlertsAreRecordedAndTheIncidentSaysWhenAllHaveResolved()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));
        await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/resolved-single-alert.json"));
        await app.WaitForProcessingAsync();

        var incident = await app.GetIncidentAsync(1);
        Assert.Equal(1, incident.FiringAlertCount);
        Assert.Equal("resolved", incident.Alerts!.Single(a => a.Fingerprint == "a1bc48475b20e73d").Status);
        Assert.DoesNotContain(incident.Timeline!, t => t.Kind == "all-alerts-resolved");

        await app.PostRawAsync("/webhooks/alertmanager", """
            {"version":"4","groupKey":"{}/{}:{}","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"High CPU Temperature"},"fingerprint":"c2ea85182f28cbd9"}]}
            """);
        await app.WaitForProcessingAsync();

        incident = await app.GetIncidentAsync(1);
        Assert.Equal(0, incident.FiringAlertCount);
        Assert.Contains(incident.Timeline!, t => t.Kind == "all-alerts-resolved" && t.Text == "All 2 alerts have resolved");
        Assert.Equal("triggered", incident.Status); // auto-resolve is off by default
    }

    [Fact]
    public async Task AutoResolveResolvesTheIncidentWhenEveryAlertHasResolved()
    {
        await using var app = new IncidentBotApplication(new() { ["Incidents:AutoResolve"] = "true" });

        await app.PostRawAsync("/webhooks/generic", """{"title":"Queue backlog","dedupKey":"q"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Queue backlog","dedupKey":"q","status":"resolved"}""");
        await app.WaitForProcessingAsync();

        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("resolved", incident.Status);
        Assert.NotNull(incident.ResolvedAt);
        Assert.Contains(incident.Timeline!, t => t.Kind == "resolved" && t.Actor == "incidentbot");
    }

    [Fact]
    public async Task AlertFiringInTheSameNotificationThatAutoResolvedTheIncidentOpensANewOne()
    {
        await using var app = new IncidentBotApplication(new() { ["Incidents:AutoResolve"] = "true" });

        await app.PostRawAsync("/webhooks/generic", """{"title":"Queue backlog","dedupKey":"q","fingerprint":"q1"}""");
        await app.PostRawAsync("/webhooks/generic", """
            [{"title":"Queue backlog","dedupKey":"q","fingerprint":"q1","status":"resolved"},
             {"title":"Queue backlog","dedupKey":"q","fingerprint":"q2"}]
            """);
        await app.WaitForProcessingAsync();

        var incidents = await app.ListIncidentsAsync();
        Assert.Equal(["resolved", "triggered"], incidents.OrderBy(i => i.Number).Select(i => i.Status));
        Assert.Equal("q2", Assert.Single((await app.GetIncidentAsync(2)).Alerts!).Fingerprint);
    }

    [Fact]
    public async Task KeysAndFingerprintsThatDifferOnlyInCaseAreDifferent()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/generic", """{"title":"Disk full","dedupKey":"disk","fingerprint":"Vol-A"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Disk full","dedupKey":"disk","fingerprint":"vol-a"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Disk full","dedupKey":"DISK","fingerprint":"vol-a"}""");
        await app.WaitForProcessingAsync();

        var incidents = await app.ListIncidentsAsync();
        Assert.Equal([2, 1], incidents.OrderBy(i => i.Number).Select(i => i.AlertCount));
    }

    [Fact]
    public async Task AlertAfterTheIncidentResolvedOpensANewIncident()
    {
        await using var app = new IncidentBotApplication();
        await app.PostRawAsync("/webhooks/generic", """{"title":"Disk full","dedupKey":"disk"}""");
        await app.WaitForProcessingAsync();
        await app.CommandAsync(1, "alice", "resolve cleaned up logs");

        await app.PostRawAsync("/webhooks/generic", """{"title":"Disk full","dedupKey":"disk"}""");
        await app.WaitForProcessingAsync();

        var incidents = await app.ListIncidentsAsync();
        Assert.Equal([2, 1], incidents.Select(i => i.Number));
        Assert.Equal("triggered", incidents[0].Status);
    }

    [Fact]
    public async Task ResolvedAlertForNoOpenIncidentOpensNothing()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/resolved-k8s-deployment.json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.WaitForProcessingAsync();

        Assert.Empty(await app.ListIncidentsAsync());
    }

    [Fact]
    public async Task IncidentListFiltersByStatus()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare First sev2");
        await app.CommandAsync(null, "alice", "declare Second sev3");
        await app.CommandAsync(1, "alice", "resolve");

        Assert.Equal([2], (await app.ListIncidentsAsync("open")).Select(i => i.Number));
        Assert.Equal([1], (await app.ListIncidentsAsync("resolved")).Select(i => i.Number));
        Assert.Equal([2, 1], (await app.ListIncidentsAsync("all")).Select(i => i.Number));
        var bad = await app.CreateClient().GetAsync("/api/incidents?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("open, resolved or all", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IncidentListPagesBackFromANumber()
    {
        await using var app = new IncidentBotApplication();
        foreach (var title in new[] { "First", "Second", "Third" })
        {
            await app.CommandAsync(null, "alice", $"declare {title}");
        }

        var page = await app.CreateClient().GetFromJsonAsync<List<IncidentView>>("/api/incidents?limit=1&before=3", Json.Options);

        Assert.Equal([2], page!.Select(i => i.Number));
    }
}
