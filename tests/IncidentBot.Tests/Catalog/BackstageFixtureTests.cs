using IncidentBot.Catalog;
using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Catalog;

/// <summary>The published Backstage descriptors in shared/fixtures/catalog/backstage, read as teams have them.</summary>
public sealed class BackstageFixtureTests
{
    private static readonly ServiceCatalog Catalog = CatalogFolder.Read(Path.Combine(Fixtures.Root, "catalog", "backstage")).Catalog;

    [Fact]
    public void EveryBackstageKindWeReadIsThereAndOtherKindsAreSkippedSilently()
    {
        Assert.Equal(["artist-web", "example-website", "second-service"], Catalog.Components.Select(c => c.Name));
        Assert.Equal(["artist-engagement-portal", "examples"], Catalog.Systems.Select(s => s.Name).Order());
        Assert.Equal(["infrastructure", "team-a"], Catalog.Groups.Select(g => g.Name).Order());
        Assert.Equal(6, Catalog.Users.Count);
        // The `API` entity (example-grpc-api) is neither an entity we keep nor a problem.
        Assert.DoesNotContain(Catalog.Problems, p => p.Message.Contains("example-grpc-api") || p.Message.Contains("API"));
    }

    [Fact]
    public void ComponentKeepsItsOwnerSystemAnnotationsAndDescription()
    {
        var web = Catalog.FindComponent("artist-web")!;

        Assert.Equal("group:default/artist-relations-team", web.Owner!.ToString());
        Assert.Equal("public-websites", web.System!.Name);
        Assert.Equal("website", web.Type);
        Assert.Equal("production", web.Lifecycle);
        Assert.Equal("The place to be, for great artists", web.Description);
        Assert.Equal("artistweb", web.Annotations["example.com/service-discovery"]);
        Assert.Equal("component-artist-web.yaml", web.File);
        Assert.Equal(4, web.Line);
    }

    [Fact]
    public void PagerDutyPluginAnnotationBecomesTheComponentsOnCallTarget()
    {
        var website = Catalog.FindComponent("example-website")!;
        var second = Catalog.FindComponent("second-service")!;

        Assert.Equal([new OnCallTarget("pagerduty", "service", "P6V1UFE")], website.Routing.OnCallTargets);
        var request = Catalog.OnCallRequestFor(website, "alice");
        Assert.Equal([new OnCallTarget("pagerduty", "service", "P6V1UFE")], request.Targets);
        Assert.Null(request.FallbackCommander);
        Assert.Equal("alice", request.Reporter);
        Assert.Empty(Catalog.OnCallRequestFor(second, "alice").Targets);
    }

    [Fact]
    public void GroupPeopleComeFromMembersAndFromUsersMemberOf()
    {
        var teamA = Catalog.Groups.Single(g => g.Name == "team-a");
        var infrastructure = Catalog.Groups.Single(g => g.Name == "infrastructure");

        // team-a lists no members; its users name it in memberOf, one of them from another namespace in full form.
        var people = Catalog.PeopleOf(teamA);
        Assert.Equal(["breanna.davison", "Guest User", "Guest User", "Janelle Dawe", "Nigel Manning"], people.Select(u => u.Shown));
        Assert.Equal(["default", "development"], people.Where(u => u.Name == "guest").Select(u => u.Ref.Namespace).Order());
        Assert.Equal("breanna-davison@example.com", people[0].Email);
        Assert.Equal("team-a@example.com", teamA.Email);
        Assert.Null(teamA.DisplayName);

        // infrastructure lists jdoe in spec.members, while jdoe's memberOf names other groups.
        Assert.Equal(["jenny-doe@example.com"], Catalog.PeopleOf(infrastructure).Select(u => u.Email));
        Assert.Equal("Infrastructure", infrastructure.DisplayName);
    }

    [Fact]
    public void ReferencesThatNameNothingAreProblemsAtTheirLines()
    {
        Assert.Equal(
        [
            "component-artist-web.yaml:21: unknown owner `group:default/artist-relations-team`: no Group or User of that name in the catalog",
            "pagerduty-plugin-entities.yaml:8: unknown owner `group:default/guests`: no Group or User of that name in the catalog",
            "pagerduty-plugin-entities.yaml:20: unknown owner `group:default/guests`: no Group or User of that name in the catalog",
            "pagerduty-plugin-entities.yaml:32: unknown owner `group:default/guests`: no Group or User of that name in the catalog",
            "system-artist-engagement-portal.yaml:7: unknown owner `group:default/artist-relations-team`: no Group or User of that name in the catalog",
            "user-jdoe.yaml:10: unknown group `group:default/team-b` in `spec.memberOf`: no Group of that name in the catalog",
            "user-jdoe.yaml:10: unknown group `group:default/employees` in `spec.memberOf`: no Group of that name in the catalog",
        ], Catalog.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void AlertMatchesTheComponentNamedByItsServiceLabel()
    {
        Assert.Equal("example-website", Catalog.MatchAlert(new Dictionary<string, string> { ["service"] = "example-website" })?.Name);
        Assert.Equal("artist-web", Catalog.MatchAlert(new Dictionary<string, string> { ["service"] = "Artist-Web", ["severity"] = "critical" })?.Name);
        Assert.Null(Catalog.MatchAlert(new Dictionary<string, string> { ["service"] = "example-grpc-api" }));
        Assert.Null(Catalog.MatchAlert(new Dictionary<string, string> { ["job"] = "artist-web" }));
    }

    [Fact]
    public void UsersAreFoundByEmailIgnoringCase()
    {
        Assert.Equal("Jenny Doe", Catalog.FindUserByEmail("Jenny-Doe@Example.com")?.Shown);
        Assert.Null(Catalog.FindUserByEmail("nobody@example.com"));
    }
}
