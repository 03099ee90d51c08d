using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts;

public sealed class AlertmanagerNormalizerTests
{
    private readonly AlertmanagerNormalizer _normalizer = new();

    public static TheoryData<string> AlertmanagerFixtures() => new(Fixtures.Files("alerts/alertmanager"));

    [Theory]
    [MemberData(nameof(AlertmanagerFixtures))]
    public void EveryPublishedPayloadNormalisesWithIdentityAndTitle(string file)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(file));
        var alerts = _normalizer.Normalize(json.RootElement);

        Assert.Equal(json.RootElement.GetProperty("alerts").GetArrayLength(), alerts.Count);
        var groupKey = json.RootElement.GetProperty("groupKey").GetString();
        Assert.All(alerts, a =>
        {
            Assert.Equal("alertmanager", a.Source);
            Assert.Equal($"alertmanager:{groupKey}", a.GroupKey);
            Assert.Matches("^[0-9a-f]{16}$", a.Fingerprint);
            Assert.False(string.IsNullOrWhiteSpace(a.Title));
            Assert.NotEmpty(a.Labels);
            Assert.Contains("\"fingerprint\"", a.Raw);
        });
    }

    [Fact]
    public void TwoFiringAlertsKeepTheirOwnFingerprintsAndDescriptions()
    {
        var alerts = Normalize("alerts/alertmanager/firing-two-alerts.json");

        Assert.Equal(["a1bc48475b20e73d", "c2ea85182f28cbd9"], alerts.Select(a => a.Fingerprint));
        Assert.All(alerts, a => Assert.Equal(AlertStatus.Firing, a.Status));
        Assert.All(alerts, a => Assert.Equal("critical", a.Severity));
        Assert.Equal("High CPU core temperature", alerts[0].Title);
        Assert.Equal("CPU core temperature is 17.625C", alerts[1].Description);
        Assert.Null(alerts[0].EndsAt); // Go's zero time means "not ended"
        Assert.Equal(new DateTimeOffset(2020, 2, 6, 0, 17, 58, TimeSpan.Zero), alerts[0].StartsAt!.Value.AddTicks(-(alerts[0].StartsAt!.Value.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Contains(alerts[0].Links, l => l.Title == "Source" && l.Url.StartsWith("http://cobalt:9090/graph"));
        Assert.Contains(alerts[0].Links, l => l.Title == "Alertmanager" && l.Url == "http://ops1:9093");
    }

    [Fact]
    public void ResolvedStatusIsTrustedEvenWhenEndsAtIsTheZeroTime()
    {
        var alert = Assert.Single(Normalize("alerts/alertmanager/resolved-single-alert.json"));

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("a1bc48475b20e73d", alert.Fingerprint);
        Assert.Null(alert.EndsAt);
    }

    [Fact]
    public void ResolvedKubernetesAlertCarriesItsEndTimeAndJobAsLabels()
    {
        var alert = Assert.Single(Normalize("alerts/alertmanager/resolved-k8s-deployment.json"));

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("Kubernetes Deployment Replicas Mismatch", alert.Title);
        Assert.Equal("Warning", alert.Severity);
        Assert.Equal(new DateTimeOffset(2022, 7, 29, 11, 17, 27, 300, TimeSpan.Zero), alert.EndsAt);
        Assert.Equal("eric-pm-kube-state-metrics", alert.Labels["job"]);
        Assert.DoesNotContain(alert.Links, l => l.Title == "Source"); // a relative generatorURL is not a usable link
    }

    [Fact]
    public void AlertWithoutSummaryIsTitledByItsAlertname()
    {
        var alerts = Normalize("alerts/alertmanager/firing-two-alerts-captured-compact.json");

        Assert.Equal("InstanceDown", alerts[0].Title);
        Assert.Equal("Mere end 3 langsomme requests seneste time", alerts[1].Title);
        Assert.All(alerts, a => Assert.Equal("alertmanager:{}:{}", a.GroupKey));
    }

    [Theory]
    [InlineData("""{"version":"4"}""", "alerts")]
    [InlineData("""{"alerts":{}}""", "alerts")]
    [InlineData("""{"groupKey":"g","alerts":[{"labels":{"a":"b"}}]}""", "alerts[0].status")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"burning","labels":{"a":"b"}}]}""", "alerts[0].status")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"firing"}]}""", "alerts[0].labels")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"firing","labels":["x"]}]}""", "alerts[0].labels")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"yesterday"}]}""", "alerts[0].startsAt")]
    [InlineData("""[1,2]""", "$")]
    public void InvalidPayloadNamesTheField(string body, string field)
    {
        using var json = JsonDocument.Parse(body);
        var error = Assert.Throws<AlertPayloadException>(() => _normalizer.Normalize(json.RootElement));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void MissingFingerprintIsDerivedFromTheLabelsStably()
    {
        const string body = """{"groupKey":"g","alerts":[{"status":"firing","labels":{"b":"2","a":"1"}},{"status":"resolved","labels":{"a":"1","b":"2"}}]}""";
        using var json = JsonDocument.Parse(body);
        var alerts = _normalizer.Normalize(json.RootElement);

        Assert.Equal(alerts[0].Fingerprint, alerts[1].Fingerprint);
    }

    private IReadOnlyList<Alert> Normalize(string file) => _normalizer.NormalizeFixture(file);
}
