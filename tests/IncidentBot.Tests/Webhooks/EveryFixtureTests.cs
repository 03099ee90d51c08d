using System.Net;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>Every published alert payload in shared/fixtures, through real HTTP into incidents.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class EveryFixtureTests
{
    public static TheoryData<string, string> AlertPayloads()
    {
        var data = new TheoryData<string, string>();
        foreach (var source in new[] { "alertmanager", "grafana", "opsgenie", "azure-monitor" })
        {
            foreach (var file in Fixtures.Files($"alerts/{source}"))
            {
                data.Add(source, file);
            }
        }
        // Datadog publishes only its template; a delivery carries the same keys with the variables filled in.
        data.Add("datadog", "alerts/datadog/webhook-default-payload-template.json#filled");
        foreach (var file in Fixtures.Files("alerts/pagerduty").Where(f => f.Contains("webhook-v3")))
        {
            data.Add("pagerduty", file);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AlertPayloads))]
    public async Task PayloadIsAcceptedStoredAndCorrelated(string source, string file)
    {
        await using var app = new IncidentBotApplication();
        var body = file.EndsWith("#filled") ? FilledDatadog() : Fixtures.Read(file);

        var response = await app.PostRawAsync($"/webhooks/{source}", body);
        var again = await app.PostRawAsync($"/webhooks/{source}", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await app.WaitForProcessingAsync();
        var incidents = await app.ListIncidentsAsync();
        // Resolved-only payloads open nothing; everything else opens exactly one incident, however often it is sent.
        Assert.True(incidents.Count <= 1, $"{file} opened {incidents.Count} incidents");
        if (incidents.Count == 1)
        {
            var incident = await app.GetIncidentAsync(incidents[0].Number);
            Assert.All(incident.Alerts!, a => Assert.Equal(source, a.Source));
            Assert.False(string.IsNullOrWhiteSpace(incident.Title));
        }
    }

    private static string FilledDatadog() => Fixtures.Read("alerts/datadog/webhook-default-payload-template.json")
        .Replace("$EVENT_TITLE", "[Triggered] CPU high on web-1").Replace("$EVENT_MSG", "CPU above 90% for 5 minutes")
        .Replace("$DATE", "1732590000000").Replace("$ID", "7163837612").Replace("$EVENT_TYPE", "metric_alert_monitor")
        .Replace("$LAST_UPDATED", "1732590000000").Replace("$PRIORITY", "normal");

    [Fact]
    public async Task DatadogTemplateWithItsVariablesUnfilledIsRefusedNamingTheField()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/datadog", Fixtures.Read("alerts/datadog/webhook-default-payload-template.json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("title", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EventsApiBodiesAreNotWebhooksAndAreRefusedWithTheField()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/pagerduty", Fixtures.Read("alerts/pagerduty/events-v2-trigger-request.json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("event", await response.Content.ReadAsStringAsync());
    }
}
