using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class AzureMonitorNormalizerTests
{
    private const string Fired = "alerts/azure-monitor/common-schema-metric-fired.json";
    private const string Resolved = "alerts/azure-monitor/common-schema-metric-resolved.json";

    private readonly AzureMonitorNormalizer _normalizer = new();

    public static TheoryData<string, string> Expected() => new()
    {
        { Fired, "firing /subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.AlertsManagement/alerts/12345678-1234-1234-1234-1234567890ab" },
        { Resolved, "resolved /subscriptions/<subscription ID>/providers/Microsoft.AlertsManagement/alerts/b9569717-bc32-442f-add5-83a997729330" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void EveryPublishedPayloadNormalisesAsExpected(string file, string expected) =>
        Assert.Equal(expected, NormalizerOutcome.Of(() => Normalize(Fixtures.Read(file))));

    [Fact]
    public void TheExpectationsCoverEveryFixture() =>
        Assert.Equal(NormalizerOutcome.FixtureFiles("alerts/azure-monitor"), Expected().Select(row => (string)row[0]).Order());

    [Fact]
    public void AFiredAlertCarriesRuleSeverityEssentialsAndCustomProperties()
    {
        var alert = Assert.Single(Normalize(Fixtures.Read(Fired)));

        Assert.Equal("azure-monitor:" + alert.Fingerprint, alert.GroupKey);
        Assert.Equal("test-metricAlertRule", alert.Title);
        Assert.Equal("Alert rule description", alert.Description);
        Assert.Equal("Sev3", alert.Severity);
        Assert.Equal(DateTimeOffset.Parse("2021-11-15T09:35:24.3468506Z"), alert.StartsAt);
        Assert.Equal("Metric", alert.Labels["signalType"]);
        Assert.Equal("Platform", alert.Labels["monitoringService"]);
        Assert.Equal("test-storageAccount", alert.Labels["configurationItems"]);
        Assert.Equal("value1", alert.Labels["customKey1"]);
        Assert.StartsWith("11111111-1111-1111-1111-111111111111_test-RG", alert.Annotations["originAlertId"], StringComparison.Ordinal);
        Assert.Empty(alert.Links);
    }

    [Fact]
    public void AResolvedAlertHasItsEndAndNoEmptyDescription()
    {
        var alert = Assert.Single(Normalize(Fixtures.Read(Resolved)));

        Assert.Equal(DateTimeOffset.Parse("2019-03-22T14:03:16.2246313Z"), alert.EndsAt);
        Assert.Null(alert.Description);
        Assert.Equal("WCUS-R2-Gen2", alert.Title);
    }

    [Theory]
    [InlineData("schemaId", "AzureMonitorMetricAlert", "schemaId")]
    [InlineData("monitorCondition", "Acknowledged", "data.essentials.monitorCondition")]
    [InlineData("alertId", null, "data.essentials.alertId")]
    [InlineData("alertRule", null, "data.essentials.alertRule")]
    public void ABadFieldIsRefusedNamingIt(string field, string? value, string expectedField)
    {
        var body = JsonNode.Parse(Fixtures.Read(Fired))!.AsObject();
        var target = field == "schemaId" ? body : body["data"]!["essentials"]!.AsObject();
        target[field] = value;

        Assert.Equal($"refused {expectedField}", NormalizerOutcome.Of(() => Normalize(body.ToJsonString())));
    }

    private IReadOnlyList<Alert> Normalize(string body) => _normalizer.NormalizeJson(body);
}
