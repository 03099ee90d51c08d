using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class DatadogNormalizerTests
{
    private const string Template = "alerts/datadog/webhook-default-payload-template.json";

    private readonly DatadogNormalizer _normalizer = new();

    /// <summary>Datadog publishes only its template; unfilled, its title is still "$EVENT_TITLE" and is refused.</summary>
    public static TheoryData<string, string> Expected() => new() { { Template, "refused title" } };

    [Theory]
    [MemberData(nameof(Expected))]
    public void EveryPublishedPayloadNormalisesAsExpected(string file, string expected) =>
        Assert.Equal(expected, NormalizerOutcome.Of(() => Normalize(Fixtures.Read(file))));

    [Fact]
    public void TheExpectationsCoverEveryFixture() =>
        Assert.Equal(NormalizerOutcome.FixtureFiles("alerts/datadog"), Expected().Select(row => (string)row[0]).Order());

    [Fact]
    public void TheTemplateAsDatadogFillsItFiresThenResolvesUnderOneIdentity()
    {
        var firing = Assert.Single(Normalize(Filled("[Triggered] CPU high on web-1")));
        var resolved = Assert.Single(Normalize(Filled("[Recovered] CPU high on web-1")));

        Assert.Equal(AlertStatus.Firing, firing.Status);
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal("CPU high on web-1", firing.Title);
        Assert.Equal("datadog:CPU high on web-1", firing.GroupKey);
        Assert.Equal(firing.Fingerprint, resolved.Fingerprint);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1406662672000), firing.StartsAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1406662672000), resolved.EndsAt);
        Assert.Equal("metric_alert_monitor", firing.Labels["event_type"]);
        Assert.Equal("Acme", firing.Labels["org"]);
        Assert.Equal("7302", firing.Annotations["event_id"]);
        Assert.Null(firing.Severity);
    }

    [Fact]
    public void TheScopeInATitleKeepsGroupsApart()
    {
        var web1 = Assert.Single(Normalize(Filled("[P1] [Triggered on {host:web-1}] Host is down")));
        var web2 = Assert.Single(Normalize(Filled("[P1] [Recovered on {host:web-2}] Host is down")));

        Assert.Equal("Host is down on {host:web-1}", web1.Fingerprint);
        Assert.Equal("Host is down on {host:web-2}", web2.Fingerprint);
        Assert.Equal(AlertStatus.Resolved, web2.Status);
    }

    [Fact]
    public void TheCustomPayloadGivesIdentityTransitionSeverityTagsAndLink()
    {
        var alert = Assert.Single(Normalize(Custom().ToJsonString()));

        Assert.Equal("cycle-42", alert.Fingerprint);
        Assert.Equal("datadog:cycle-42", alert.GroupKey);
        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("P1", alert.Severity);
        Assert.Equal("web", alert.Labels["service"]);
        Assert.Equal("us-east-1a", alert.Labels["availability-zone"]);
        Assert.Equal("", alert.Labels["monitor"]);
        Assert.Equal([new AlertLink("Datadog", "https://app.datadoghq.com/event/event?id=7302")], alert.Links);
        Assert.Equal("1234", alert.Annotations["alert_id"]);
    }

    [Theory]
    [InlineData(new string[0], "cycle-42")]
    [InlineData(new[] { "alert_cycle_key" }, "9bd4ac313a4d1e8fae2482df7b77628")]
    [InlineData(new[] { "alert_cycle_key", "aggreg_key" }, "1234")]
    [InlineData(new[] { "alert_cycle_key", "aggreg_key", "alert_id" }, "CPU high on web-1")]
    public void IdentityIsTheCycleKeyThenAggregationKeyThenMonitorThenTitle(string[] removed, string expected)
    {
        var payload = Custom();
        foreach (var name in removed)
        {
            payload.Remove(name);
        }

        Assert.Equal(expected, Assert.Single(Normalize(payload.ToJsonString())).Fingerprint);
    }

    [Fact]
    public void AnUnexpandedVariableCountsAsAbsent()
    {
        var payload = Custom();
        payload["alert_cycle_key"] = "$ALERT_CYCLE_KEY";
        payload["priority"] = "$ALERT_PRIORITY";

        var alert = Assert.Single(Normalize(payload.ToJsonString()));

        Assert.Equal("9bd4ac313a4d1e8fae2482df7b77628", alert.Fingerprint);
        Assert.Equal("success", alert.Severity);
    }

    [Fact]
    public void TheTransitionOutranksTheTitle()
    {
        var payload = Custom();
        payload["alert_transition"] = "Re-Triggered";

        Assert.Equal(AlertStatus.Firing, Assert.Single(Normalize(payload.ToJsonString())).Status);
    }

    [Fact]
    public void ADateThatIsNotEpochMillisecondsIsRefused()
    {
        var payload = Custom();
        payload["date"] = "yesterday";

        Assert.Equal("refused date", NormalizerOutcome.Of(() => Normalize(payload.ToJsonString())));
    }

    private IReadOnlyList<Alert> Normalize(string body) => _normalizer.NormalizeJson(body);

    /// <summary>The published default template with its variables filled in the way Datadog documents them.</summary>
    private static string Filled(string title) => Fixtures.Read(Template)
        .Replace("$EVENT_TITLE", title, StringComparison.Ordinal)
        .Replace("$EVENT_MSG", "%%%\\nCPU above 90% for 5 minutes\\n%%%", StringComparison.Ordinal)
        .Replace("$LAST_UPDATED", "1406662672000", StringComparison.Ordinal)
        .Replace("$EVENT_TYPE", "metric_alert_monitor", StringComparison.Ordinal)
        .Replace("$DATE", "1406662672000", StringComparison.Ordinal)
        .Replace("$ORG_ID", "11287", StringComparison.Ordinal)
        .Replace("$ORG_NAME", "Acme", StringComparison.Ordinal)
        .Replace("$ID", "7302", StringComparison.Ordinal);

    /// <summary>The filled template plus the custom fields the normaliser documents, for a recovery.</summary>
    private static JsonObject Custom()
    {
        var payload = JsonNode.Parse(Filled("[Recovered] CPU high on web-1"))!.AsObject();
        payload["alert_transition"] = "Recovered";
        payload["alert_cycle_key"] = "cycle-42";
        payload["aggreg_key"] = "9bd4ac313a4d1e8fae2482df7b77628";
        payload["alert_id"] = "1234";
        payload["priority"] = "P1";
        payload["alert_type"] = "success";
        payload["tags"] = "monitor, service:web, availability-zone:us-east-1a";
        payload["link"] = "https://app.datadoghq.com/event/event?id=7302";
        return payload;
    }
}
