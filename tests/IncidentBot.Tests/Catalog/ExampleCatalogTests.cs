using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// The catalog shipped in <c>catalog/</c> works as its comments say, through the whole bot with no pager configured:
/// an alert about the orders database (PagerDuty, whose key nobody set here) falls back to the platform team's
/// fallback commander, and the timeline says why.
/// </summary>
public sealed class ExampleCatalogTests
{
    [Fact]
    public async Task AnAlertAboutTheOrdersDatabaseGetsThePlatformTeamsFallbackCommanderWithTheReasonOnTheTimeline()
    {
        await using var app = new IncidentBotApplication(new() { ["Catalog:Path"] = IncidentBotApplication.ExampleCatalog });

        await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);

        await Eventually.TrueAsync(async () => (await app.Incidents.FindAsync(1))?.Roles.GetValueOrDefault(RoleCatalog.Commander) == "ana.souza", "ana.souza to be commander");
        var note = (await app.Incidents.TimelineOfAsync(1)).First(e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.Note).Text;
        Assert.Contains("On call for orders-db: ana.souza", note);
        Assert.Contains("pagerduty", note);
    }
}
