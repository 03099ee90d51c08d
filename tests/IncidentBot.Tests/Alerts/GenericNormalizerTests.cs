using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;

using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts;

public sealed class GenericNormalizerTests
{
    private readonly GenericNormalizer _normalizer = new();

    [Fact]
    public void FullAlertKeepsEveryDocumentedField()
    {
        var alert = Assert.Single(Normalize("""
            {"title":"Checkout 5xx above 5%","severity":"critical","dedupKey":"checkout-5xx","status":"firing",
             "description":"Error ratio 7%","labels":{"service":"checkout","region":"eu-1"},
             "links":["https://grafana.example/d/checkout",{"title":"Runbook","url":"https://wiki.example/rb"}]}
            """));

        Assert.Equal("generic", alert.Source);
        Assert.Equal("generic:checkout-5xx", alert.GroupKey);
        Assert.Equal("checkout-5xx", alert.Fingerprint);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("critical", alert.Severity);
        Assert.Equal("Error ratio 7%", alert.Description);
        Assert.Equal("eu-1", alert.Labels["region"]);
        Assert.Equal(["https://grafana.example/d/checkout", "Runbook"], alert.Links.Select(l => l.Title));
    }

    [Fact]
    public void TitleAloneIsEnoughAndBecomesTheDedupKey()
    {
        var alert = Assert.Single(Normalize("""{"title":"Disk full on db-1"}"""));

        Assert.Equal("generic:Disk full on db-1", alert.GroupKey);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Null(alert.Severity);
    }

    [Fact]
    public void ArrayOfAlertsIsAccepted()
    {
        var alerts = Normalize("""[{"title":"a","dedupKey":"k"},{"title":"a","dedupKey":"k","status":"resolved"}]""");

        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], alerts.Select(a => a.Status));
    }

    [Theory]
    [InlineData("""{"severity":"critical"}""", "title")]
    [InlineData("""{"title":"  "}""", "title")]
    [InlineData("""{"title":"x","status":"maybe"}""", "status")]
    [InlineData("""{"title":"x","labels":"service=a"}""", "labels")]
    [InlineData("""{"title":"x","links":["not a url"]}""", "links[0]")]
    [InlineData("""{"title":"x","links":[{"title":"no url"}]}""", "links[0].url")]
    [InlineData("""[{"title":"x"},{"dedupKey":"y"}]""", "[1].title")]
    [InlineData("""[]""", "$")]
    [InlineData("""42""", "$")]
    public void InvalidAlertNamesTheField(string body, string field)
    {
        using var json = JsonDocument.Parse(body);
        var error = Assert.Throws<AlertPayloadException>(() => _normalizer.Normalize(json.RootElement));
        Assert.Equal(field, error.Field);
    }

    private IReadOnlyList<Alert> Normalize(string body) => _normalizer.NormalizeJson(body);
}
