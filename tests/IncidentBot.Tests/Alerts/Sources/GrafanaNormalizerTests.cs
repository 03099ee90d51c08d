using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class GrafanaNormalizerTests
{
    private readonly GrafanaNormalizer _normalizer = new();

    public static TheoryData<string> GrafanaFixtures() => new(Fixtures.Files("alerts/grafana"));

    [Fact]
    public void TheFixtureTableBelowCoversEveryGrafanaFixture()
    {
        Assert.Equal(["alerts/grafana/firing-two-alerts-docs.json", "alerts/grafana/mixed-firing-and-resolved.json", "alerts/grafana/resolved-single-alert.json"],
            Fixtures.Files("alerts/grafana").Select(f => f.Replace('\\', '/')));
    }

    [Theory]
    [MemberData(nameof(GrafanaFixtures))]
    public void EveryPublishedPayloadNormalisesWithIdentityAndTitle(string file)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(file));
        var alerts = _normalizer.Normalize(json.RootElement);

        Assert.Equal(json.RootElement.GetProperty("alerts").GetArrayLength(), alerts.Count);
        var groupKey = json.RootElement.GetProperty("groupKey").GetString();
        Assert.All(alerts, a =>
        {
            Assert.Equal("grafana", a.Source);
            Assert.Equal($"grafana:{groupKey}", a.GroupKey);
            Assert.Matches("^[0-9a-f]{16}$", a.Fingerprint);
            Assert.False(string.IsNullOrWhiteSpace(a.Title));
            Assert.Contains(a.Links, l => l.Title == "Source");
            Assert.Contains(a.Links, l => l.Title == "Silence");
        });
    }

    [Theory]
    [InlineData("firing-two-alerts-docs.json", "grafana:{}:{}", "c6eadffa33fcdf37:Firing:This alert was triggered for zone us-1|bc97ff14869b13e3:Firing:This alert was triggered for zone eu-1")]
    [InlineData("resolved-single-alert.json", "grafana:{}/{test=\"true\"}:{}", "d8a21484c9c25a60:Resolved:This is a summary field, failure on <no value>")]
    [InlineData("mixed-firing-and-resolved.json", "grafana:{}/{test=\"true\"}:{}",
        "aaafafe0953f0962:Resolved:This is a summary field, failure on badhost.example.com|fb31814ac93dbe7d:Resolved:This is a summary field, failure on otherhost.example.com|6f9cd313db421ef1:Firing:Testing **another** failing alert")]
    public void EachFixtureHasItsExpectedIdentityStatusAndTitle(string file, string groupKey, string expected)
    {
        var alerts = Normalize($"alerts/grafana/{file}");

        Assert.All(alerts, a => Assert.Equal(groupKey, a.GroupKey));
        Assert.Equal(expected, string.Join("|", alerts.Select(a => $"{a.Fingerprint}:{a.Status}:{a.Title}")));
    }

    [Fact]
    public void EachAlertResolvesOnItsOwnStatusNotTheGroups()
    {
        var alerts = Normalize("alerts/grafana/mixed-firing-and-resolved.json");

        // The group says "firing" (one alert still is), yet the other two have resolved and carry their end time.
        Assert.Equal([AlertStatus.Resolved, AlertStatus.Resolved, AlertStatus.Firing], alerts.Select(a => a.Status));
        Assert.Equal(new DateTimeOffset(2022, 6, 17, 1, 8, 28, TimeSpan.Zero), TruncateToSeconds(alerts[0].EndsAt!.Value));
        Assert.Null(alerts[2].EndsAt);
    }

    [Fact]
    public void DocsExampleCarriesLinksLabelsAndDescription()
    {
        var alert = Normalize("alerts/grafana/firing-two-alerts-docs.json")[0];

        Assert.Equal("The system has high memory usage", alert.Description);
        Assert.Equal("High memory usage", alert.Labels["alertname"]);
        Assert.Null(alert.Severity); // no severity label: left unset, not guessed
        Assert.Null(alert.EndsAt);
        Assert.Equal(["Source", "Runbook", "Silence"], alert.Links.Select(l => l.Title)); // empty dashboard/panel URLs are no links
        Assert.Equal("https://play.grafana.org/alerting/1afz29v7z/edit", alert.Links[0].Url);
        Assert.Contains("\"fingerprint\": \"c6eadffa33fcdf37\"", alert.Raw);
    }

    [Theory]
    [InlineData("""{"groupKey":"g"}""", "alerts")]
    [InlineData("""{"alerts":[]}""", "groupKey")]
    [InlineData("""{"groupKey":"g","alerts":[{"fingerprint":"f"}]}""", "alerts[0].status")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"pending","fingerprint":"f"}]}""", "alerts[0].status")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"firing"}]}""", "alerts[0].fingerprint")]
    [InlineData("""{"groupKey":"g","alerts":[{"status":"firing","fingerprint":"f","labels":[1]}]}""", "alerts[0].labels")]
    [InlineData("""[]""", "$")]
    public void InvalidPayloadNamesTheField(string body, string field)
    {
        using var json = JsonDocument.Parse(body);
        var error = Assert.Throws<AlertPayloadException>(() => _normalizer.Normalize(json.RootElement));
        Assert.Equal(field, error.Field);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerSecond));

    private IReadOnlyList<Alert> Normalize(string file) => _normalizer.NormalizeFixture(file);
}
