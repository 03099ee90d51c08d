using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class PagerDutyNormalizerTests
{
    private readonly PagerDutyNormalizer _normalizer = new();

    public static TheoryData<string> WebhookV3Fixtures() => new(Fixtures.Files("alerts/pagerduty").Where(f => Path.GetFileName(f).StartsWith("webhook-v3-")));

    public static TheoryData<string> EventsV2Fixtures() => new(Fixtures.Files("alerts/pagerduty").Where(f => Path.GetFileName(f).StartsWith("events-v2-")));

    [Fact]
    public void EveryPagerDutyFixtureIsEitherAWebhookOrAnEventsApiBody()
    {
        Assert.Equal(Fixtures.Files("alerts/pagerduty").Count(), WebhookV3Fixtures().Count + EventsV2Fixtures().Count);
    }

    [Theory]
    [MemberData(nameof(WebhookV3Fixtures))]
    public void EveryPublishedWebhookNormalisesToOneAlertForItsIncident(string file)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(file));
        var alert = Assert.Single(_normalizer.Normalize(json.RootElement));

        var incidentId = json.RootElement.GetProperty("event").GetProperty("data").GetProperty("id").GetString();
        Assert.Equal("pagerduty", alert.Source);
        Assert.Equal(incidentId, alert.Fingerprint);
        Assert.Equal($"pagerduty:{incidentId}", alert.GroupKey);
        Assert.Equal("pig208", alert.Labels["service"]);
        Assert.Equal("critical", alert.Severity); // urgency "high"
        Assert.Equal(new AlertLink("PagerDuty incident", $"https://pig208.pagerduty.com/incidents/{incidentId}"), Assert.Single(alert.Links));
    }

    [Theory]
    [InlineData("webhook-v3-incident-triggered.json", "PFQZPSY", AlertStatus.Firing, "Test Incident 3")]
    [InlineData("webhook-v3-incident-acknowledged.json", "PQ1K5C8", AlertStatus.Firing, "Test Incident")]
    [InlineData("webhook-v3-incident-resolved.json", "PCPZE64", AlertStatus.Resolved, "Test Incident")]
    public void EachWebhookHasItsExpectedIdentityStatusAndTitle(string file, string incidentId, AlertStatus status, string title)
    {
        var alert = Assert.Single(Normalize($"alerts/pagerduty/{file}"));

        Assert.Equal((incidentId, status, title), (alert.Fingerprint, alert.Status, alert.Title));
    }

    [Fact]
    public void ResolvedEventEndsTheAlertWhenItOccurred()
    {
        var alert = Assert.Single(Normalize("alerts/pagerduty/webhook-v3-incident-resolved.json"));

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal(new DateTimeOffset(2021, 6, 4, 13, 16, 53, 816, TimeSpan.Zero), alert.EndsAt);
        Assert.Null(alert.StartsAt);
    }

    [Fact]
    public void AcknowledgementKeepsTheIncidentFiring()
    {
        var alert = Assert.Single(Normalize("alerts/pagerduty/webhook-v3-incident-acknowledged.json"));

        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Null(alert.EndsAt);
    }

    [Theory]
    [InlineData("incident.annotated")]
    [InlineData("incident.priority_updated")]
    [InlineData("pagey.ping")]
    public void OtherEventTypesAreAcceptedWithNothingToDo(string eventType)
    {
        var body = Fixtures.Read("alerts/pagerduty/webhook-v3-incident-triggered.json").Replace("incident.triggered", eventType);
        using var json = JsonDocument.Parse(body);

        Assert.Empty(_normalizer.Normalize(json.RootElement));
    }

    [Fact]
    public void LowUrgencyIsAWarning()
    {
        var body = Fixtures.Read("alerts/pagerduty/webhook-v3-incident-triggered.json").Replace("\"urgency\": \"high\"", "\"urgency\": \"low\"");
        using var json = JsonDocument.Parse(body);

        Assert.Equal("warning", Assert.Single(_normalizer.Normalize(json.RootElement)).Severity);
    }

    [Theory]
    [MemberData(nameof(EventsV2Fixtures))]
    public void EventsApiBodiesAreRefusedAsNotAWebhook(string file)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(file));
        Assert.Equal("event", Assert.Throws<AlertPayloadException>(() => _normalizer.Normalize(json.RootElement)).Field);
    }

    [Theory]
    [InlineData("""{"event":"x"}""", "event")]
    [InlineData("""{"event":{"data":{"id":"P1"}}}""", "event.event_type")]
    [InlineData("""{"event":{"event_type":"incident.triggered"}}""", "event.data")]
    [InlineData("""{"event":{"event_type":"incident.resolved","data":{"title":"t"}}}""", "event.data.id")]
    [InlineData("""{"event":{"event_type":"incident.resolved","occurred_at":"soon","data":{"id":"P1"}}}""", "event.occurred_at")]
    [InlineData("""[]""", "$")]
    public void InvalidPayloadNamesTheField(string body, string field)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Equal(field, Assert.Throws<AlertPayloadException>(() => _normalizer.Normalize(json.RootElement)).Field);
    }

    private IReadOnlyList<Alert> Normalize(string file) => _normalizer.NormalizeFixture(file);
}
