using System.Net.Http.Json;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>The real Prometheus Alertmanager notifies the real bot process; the incident is worked through the API.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class AlertmanagerEndToEndTests : IDisposable
{
    private const string Token = "e2e-alertmanager-token";
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-e2e-").FullName;

    [SkippableFact]
    public async Task AlertFromAlertmanagerOpensAnIncidentThatIsAcknowledgedAndResolved()
    {
        var binary = AlertmanagerProcess.FindBinary();
        if (binary is null)
        {
            // On CI the tool is installed by .ci/run, so its absence is a failure, never a skip.
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "prometheus-alertmanager is not installed; .ci/run installs it (apt-get install -y prometheus-alertmanager).");
            Skip.If(true, "prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");
        }

        await using var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string> { ["Webhooks:Sources:alertmanager:BearerToken"] = Token });
        await using var alertmanager = await AlertmanagerProcess.StartAsync(binary!, $"http://127.0.0.1:{bot.Port}/webhooks/alertmanager", Token);
        var startsAt = DateTime.UtcNow.AddSeconds(-5).ToString("O");
        var alert = $$"""
            {"labels":{"alertname":"PostgresPrimaryDown","service":"orders-db","severity":"critical","instance":"db-1:5432"},
             "annotations":{"summary":"Orders primary database is down","runbook_url":"https://runbooks.example/db-failover"},
             "generatorURL":"http://prometheus.example/graph?g0.expr=pg_up","startsAt":"{{startsAt}}"
            """;

        await alertmanager.PostAlertsAsync($"[{alert}}}]");

        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Count == 1, "the incident from Alertmanager", TimeSpan.FromSeconds(30));
        var incident = await bot.IncidentAsync(1);
        Assert.Equal("Orders primary database is down", incident.Title);
        Assert.Equal("SEV1", incident.Severity);
        Assert.Equal("orders-db", incident.Service);
        Assert.Equal("firing", Assert.Single(incident.Alerts!).Status);

        var ack = await bot.Client.PostAsJsonAsync("/api/incidents/1/commands", new { user = "alice", text = "ack" });
        Assert.Contains("acknowledged INC-1", await ack.Content.ReadAsStringAsync());

        await alertmanager.PostAlertsAsync($$"""[{{alert}},"endsAt":"{{DateTime.UtcNow:O}}"}]""");
        await Eventually.TrueAsync(async () => (await bot.IncidentAsync(1)).FiringAlertCount == 0, "the resolved notification", TimeSpan.FromSeconds(30));
        Assert.Contains((await bot.IncidentAsync(1)).Timeline!, t => t.Kind == "all-alerts-resolved");

        await bot.Client.PostAsJsonAsync("/api/incidents/1/commands", new { user = "alice", text = "resolve primary back after failover" });
        incident = await bot.IncidentAsync(1);
        Assert.Equal("resolved", incident.Status);
        Assert.Single(await bot.IncidentsAsync());
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
