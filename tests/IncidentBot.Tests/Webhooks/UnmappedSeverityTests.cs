using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Webhooks;

/// <summary>
/// An alert severity nobody mapped (<c>urgent</c>, <c>P1</c>, …) is not silently SEV3: the incident's timeline says
/// what it became and how to map it. Known ones, and alerts with no severity, say nothing.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class UnmappedSeverityTests
{
    [Theory]
    [InlineData("urgent")]
    [InlineData("P1")]
    [InlineData("disaster")]
    [InlineData("  Sev 1 ")]
    [InlineData("<b>page</b>")]
    [InlineData("crit")]
    public async Task AnUnknownSeverityIsRecordedWithWhatItBecameAndHowToMapIt(string severity)
    {
        await using var app = new IncidentBotApplication();

        var response = await app.PostRawAsync("/webhooks/generic", Alert(severity));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.WaitForProcessingAsync();
        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal("SEV3", incident.Severity);
        var detail = await app.GetIncidentAsync(incident.Number);
        var entry = Assert.Single(detail.Timeline!, e => e.Kind == "severity-unmapped");
        Assert.Contains($"'{severity.Trim()}'", entry.Text);
        Assert.Contains("SEV3", entry.Text);
        Assert.Contains("Incidents:SeverityMap", entry.Text);
        Assert.Contains("Incidents:DefaultSeverity", entry.Text);
    }

    [Theory]
    [InlineData("critical", "SEV1")]
    [InlineData("CRITICAL", "SEV1")]
    [InlineData("warning", "SEV3")]
    [InlineData("info", "SEV4")]
    [InlineData("sev2", "SEV2")]
    [InlineData("SEV4", "SEV4")]
    [InlineData(null, "SEV3")]
    [InlineData("", "SEV3")]
    public async Task AKnownSeverityOrNoneSaysNothing(string? severity, string expected)
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/generic", Alert(severity));
        await app.WaitForProcessingAsync();

        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal(expected, incident.Severity);
        Assert.DoesNotContain((await app.GetIncidentAsync(incident.Number)).Timeline!, e => e.Kind == "severity-unmapped");
    }

    [Fact]
    public async Task AMappingInConfigurationIsKnown()
    {
        await using var app = new IncidentBotApplication(new Dictionary<string, string?> { ["Incidents:SeverityMap:urgent"] = "Sev2" });

        await app.PostRawAsync("/webhooks/generic", Alert("urgent"));
        await app.WaitForProcessingAsync();

        var incident = Assert.Single(await app.ListIncidentsAsync());
        Assert.Equal("SEV2", incident.Severity);
        Assert.DoesNotContain((await app.GetIncidentAsync(incident.Number)).Timeline!, e => e.Kind == "severity-unmapped");
    }

    private static string Alert(string? severity)
    {
        var alert = new JsonObject { ["title"] = "Checkout errors", ["dedupKey"] = "checkout" };
        if (severity is not null)
        {
            alert["severity"] = severity;
        }
        return alert.ToJsonString();
    }
}
