using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Alerts.Sources;

public sealed class OpsgenieNormalizerTests
{
    private readonly OpsgenieNormalizer _normalizer = new();

    public static TheoryData<string> OpsgenieFixtures() => new(Fixtures.Files("alerts/opsgenie"));

    [Theory]
    [MemberData(nameof(OpsgenieFixtures))]
    public void EveryPublishedPayloadNormalisesToOneAlertForItsAlias(string file)
    {
        using var json = JsonDocument.Parse(Fixtures.Read(file));
        var alert = Assert.Single(_normalizer.Normalize(json.RootElement));

        var alias = json.RootElement.GetProperty("alert").GetProperty("alias").GetString();
        Assert.Equal("opsgenie", alert.Source);
        Assert.Equal(alias, alert.Fingerprint);
        Assert.Equal($"opsgenie:{alias}", alert.GroupKey);
        Assert.Equal(alert.Title.Trim(), alert.Title);
        Assert.NotNull(alert.StartsAt);
    }

    [Theory]
    [InlineData("webhook-create.json", "alert-alias", AlertStatus.Firing, "another alert")]
    [InlineData("webhook-create-docs.json", "aliastest", AlertStatus.Firing, "test alert")]
    [InlineData("webhook-acknowledge.json", "aliastest", AlertStatus.Firing, "test alert")]
    [InlineData("webhook-close.json", "aliastest", AlertStatus.Resolved, "test alert")]
    public void EachFixtureHasItsExpectedIdentityStatusAndTitle(string file, string alias, AlertStatus status, string title)
    {
        var alert = Assert.Single(Normalize($"alerts/opsgenie/{file}"));

        Assert.Equal((alias, status, title), (alert.Fingerprint, alert.Status, alert.Title));
    }

    [Fact]
    public void CloseResolvesAtTheNanosecondUpdateTime()
    {
        var alert = Assert.Single(Normalize("alerts/opsgenie/webhook-close.json"));

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        // updatedAt 1420452374669001603 ns: read as a long, a double would lose the milliseconds.
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1420452374669), alert.EndsAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1420452191104), alert.StartsAt);
        Assert.Empty(alert.Labels.Keys.Except(["source"])); // empty tags and empty entity add nothing
    }

    [Fact]
    public void CreateCarriesPriorityTagsAndEntity()
    {
        var alert = Assert.Single(Normalize("alerts/opsgenie/webhook-create.json"));

        Assert.Equal("warning", alert.Severity); // priority 3
        Assert.Equal("true", alert.Labels["vip"]);
        Assert.Equal("Server", alert.Labels["entity"]);
        Assert.Equal("test@example.com", alert.Labels["source"]);
        Assert.Equal("ec03dad6-62c8-4c94-b38b-d88f398e900f", alert.Annotations["alertId"]);
        Assert.Null(alert.EndsAt);
    }

    [Theory]
    [InlineData("\"P1\"", "critical")]
    [InlineData("\"P2\"", "high")]
    [InlineData("\"P3\"", "warning")]
    [InlineData("\"P4\"", "info")]
    [InlineData("5", "info")]
    [InlineData("\"urgent\"", "urgent")]
    public void PriorityMapsToSeverity(string priority, string severity)
    {
        var body = $$$"""{"action":"Create","alert":{"alias":"a","message":"m","priority":{{{priority}}},"tags":["team:blue"]}}""";
        using var json = JsonDocument.Parse(body);
        var alert = Assert.Single(_normalizer.Normalize(json.RootElement));

        Assert.Equal(severity, alert.Severity);
        Assert.Equal("blue", alert.Labels["team"]);
    }

    [Theory]
    [InlineData("AddNote")]
    [InlineData("TakeOwnership")]
    [InlineData("Escalate")]
    public void OtherActionsAreAcceptedWithNothingToDo(string action)
    {
        using var json = JsonDocument.Parse(Fixtures.Read("alerts/opsgenie/webhook-acknowledge.json").Replace("\"Acknowledge\"", $"\"{action}\""));

        Assert.Empty(_normalizer.Normalize(json.RootElement));
    }

    [Fact]
    public void WithoutAnAliasTheAlertIdIdentifiesTheAlert()
    {
        using var json = JsonDocument.Parse("""{"action":"Close","alert":{"alertId":"id-1","message":"m"}}""");

        Assert.Equal("opsgenie:id-1", Assert.Single(_normalizer.Normalize(json.RootElement)).GroupKey);
    }

    [Theory]
    [InlineData("""{"alert":{"alias":"a","message":"m"}}""", "action")]
    [InlineData("""{"action":"Create"}""", "alert")]
    [InlineData("""{"action":"Create","alert":{"message":"m"}}""", "alert.alertId")]
    [InlineData("""{"action":"Create","alert":{"alias":"a"}}""", "alert.message")]
    [InlineData("""{"action":"Create","alert":{"alias":"a","message":"m","tags":"x"}}""", "alert.tags")]
    [InlineData("""{"action":"Create","alert":{"alias":"a","message":"m","createdAt":"today"}}""", "alert.createdAt")]
    [InlineData("""[]""", "$")]
    public void InvalidPayloadNamesTheField(string body, string field)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Equal(field, Assert.Throws<AlertPayloadException>(() => _normalizer.Normalize(json.RootElement)).Field);
    }

    private IReadOnlyList<Alert> Normalize(string file) => _normalizer.NormalizeFixture(file);
}
