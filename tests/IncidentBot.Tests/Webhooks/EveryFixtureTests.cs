using System.Net;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>Every published alert payload in shared/fixtures, through real HTTP into incidents.</summary>
public sealed class EveryFixtureTests
{
    public static TheoryData<string, string> AlertPayloads()
    {
        var data = new TheoryData<string, string>();
        foreach (var source in new[] { "alertmanager", "grafana", "opsgenie", "datadog", "azure-monitor" })
        {
            foreach (var file in Fixtures.Files($"alerts/{source}"))
            {
                data.Add(source, file);
            }
        }
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
        var body = Fixtures.Read(file);

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

    [Fact]
    public async Task EventsApiBodiesAreNotWebhooksAndAreRefusedWithTheField()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/pagerduty", Fixtures.Read("alerts/pagerduty/events-v2-trigger-request.json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("event", await response.Content.ReadAsStringAsync());
    }
}
