using IncidentBot.Catalog;
using IncidentBot.OnCall;

namespace IncidentBot.Tests.Catalog;

/// <summary>The whole catalog: the on-call chain of a component, which component an alert is for, and whole-catalog problems.</summary>
public sealed class ServiceCatalogTests : IDisposable
{
    private readonly CatalogFiles _files = new();

    private ServiceCatalog Read() => CatalogFolder.Read(_files.Folder).Catalog;

    [Fact]
    public void ChainIsTheComponentsTargetsThenItsGroupsWithTheComponentsFallbackFirst()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments", "incidentbot.io/oncall: rota:payments\nincidentbot.io/fallback-commander: team-lead@example.com")
            + "---\n" + CatalogFiles.Rota("payments"))
            .Write("checkout.yaml", CatalogFiles.Component("checkout", annotations: "incidentbot.io/oncall: pagerduty:escalation-policy/PABC123\nincidentbot.io/fallback-commander: checkout-lead@example.com")
            + "---\n" + CatalogFiles.Component("cart", annotations: "pagerduty.com/service-id: P6V1UFE")
            + "---\n" + CatalogFiles.Component("wishlist"));
        var catalog = Read();

        var checkout = catalog.OnCallRequestFor(catalog.FindComponent("checkout")!, "alice");
        var cart = catalog.OnCallRequestFor(catalog.FindComponent("cart")!, null);
        var wishlist = catalog.OnCallRequestFor(catalog.FindComponent("wishlist")!, "bob");

        Assert.Empty(catalog.Problems);
        Assert.Equal(["pagerduty:escalation-policy/PABC123", "rota:payments"], checkout.Targets.Select(t => t.ToString()));
        Assert.Equal("checkout-lead@example.com", checkout.FallbackCommander);
        Assert.Equal("alice", checkout.Reporter);
        Assert.Equal(["pagerduty:service/P6V1UFE", "rota:payments"], cart.Targets.Select(t => t.ToString()));
        Assert.Equal("team-lead@example.com", cart.FallbackCommander);
        // A component naming no target gets its group's: the group's rota serves every component it owns.
        Assert.Equal([new OnCallTarget("rota", "", "payments")], wishlist.Targets);
        Assert.Equal("team-lead@example.com", wishlist.FallbackCommander);
    }

    [Fact]
    public void ComponentOwnedByAUserOrAnUnknownGroupHasOnlyItsOwnChain()
    {
        _files.Write("c.yaml", CatalogFiles.Component("solo", owner: "user:ann", annotations: "incidentbot.io/fallback-commander: ann@example.com")
            + "---\n" + CatalogFiles.User("ann", "ann@example.com")
            + "---\n" + CatalogFiles.Component("orphan", owner: "ghosts"));
        var catalog = Read();

        var solo = catalog.FindComponent("solo")!;
        Assert.Null(catalog.OwningGroup(solo));
        Assert.Equal(["ann@example.com"], catalog.PeopleOf(solo).Select(u => u.Email));
        Assert.Equal("ann@example.com", catalog.OnCallRequestFor(solo, null).FallbackCommander);
        var orphan = catalog.OnCallRequestFor(catalog.FindComponent("orphan")!, "bob");
        Assert.Empty(orphan.Targets);
        Assert.Null(orphan.FallbackCommander);
        Assert.Contains(catalog.Problems, p => p.Message == "unknown owner `group:default/ghosts`: no Group or User of that name in the catalog");
    }

    public static TheoryData<Dictionary<string, string>, string?> Alerts => new()
    {
        // The selector wins over the name: alerts about checkout say service=checkout, not checkout-api.
        { new() { ["service"] = "checkout", ["team"] = "payments" }, "checkout-api" },
        { new() { ["service"] = "checkout", ["team"] = "payments", ["env"] = "prod" }, "checkout-api-prod" },
        { new() { ["service"] = "checkout", ["team"] = "search" }, null },
        // A component with a selector is not matched by its name.
        { new() { ["service"] = "checkout-api" }, null },
        { new() { ["service"] = "orders-db" }, "orders-db" },
        { new() { ["service"] = "ORDERS-DB" }, "orders-db" },
        { new() { ["service"] = " orders-db " }, "orders-db" },
        { new() { ["service"] = "" }, null },
        { new() { ["alertname"] = "DiskFull" }, null },
        { new() { ["alertname"] = "QueueBacklog", ["queue"] = "order-events" }, "order-events" },
    };

    [Theory]
    [MemberData(nameof(Alerts))]
    public void AlertGoesToTheMostSpecificSelectorElseToTheComponentNamedByItsServiceLabel(Dictionary<string, string> labels, string? expected)
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments"))
            .Write("c.yaml", CatalogFiles.Component("checkout-api", annotations: "incidentbot.io/alert-selector: service=checkout,team=payments")
                + "---\n" + CatalogFiles.Component("checkout-api-prod", annotations: "incidentbot.io/alert-selector: service=checkout,team=payments,env=prod")
                + "---\n" + CatalogFiles.Component("orders-db")
                + "---\n" + CatalogFiles.Component("order-events", annotations: "incidentbot.io/alert-selector: alertname=~Queue.*,queue=order-events"));

        Assert.Equal(expected, Read().MatchAlert(labels)?.Name);
    }

    [Fact]
    public void DuplicateNamesAreProblemsAndTheFirstStays()
    {
        _files.Write("a.yaml", CatalogFiles.Group("payments") + "---\n" + CatalogFiles.Component("checkout") + "---\n" + CatalogFiles.Rota("payments"))
            .Write("b.yaml", CatalogFiles.Component("Checkout", owner: "other") + "---\n" + CatalogFiles.Rota("Payments", zone: "UTC"));
        var catalog = Read();

        Assert.Equal("payments", Assert.Single(catalog.Components).Owner!.Name);
        Assert.Equal("Europe/Berlin", Assert.Single(catalog.Rotas).Zone.Id);
        Assert.Equal(
        [
            "b.yaml:4: duplicate Component `default/Checkout`: a.yaml:14 already defines it; this one is left out",
            "b.yaml:13: duplicate Rota `Payments`: a.yaml:23 already defines it; this one is left out",
        ], catalog.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void SameNameInAnotherNamespaceOrKindIsNoDuplicate()
    {
        _files.Write("a.yaml", CatalogFiles.Group("payments") + "---\n" + CatalogFiles.Component("payments")
            + "---\n" + CatalogFiles.Component("payments").Replace("name: payments", "name: payments\n  namespace: shop"));
        var catalog = Read();

        // A reference without a namespace means the referring entity's own (Backstage's rule), so this owner is shop's.
        Assert.Equal("a.yaml:28: unknown owner `group:shop/payments`: no Group or User of that name in the catalog", Assert.Single(catalog.Problems).ToString());
        Assert.Equal(2, catalog.Components.Count);
        Assert.Equal("default", catalog.FindComponent("payments")!.Ref.Namespace);
        Assert.Equal("shop", catalog.FindComponent("component:shop/payments")!.Ref.Namespace);
    }

    [Fact]
    public void PeopleWithoutEmailUnknownMembersAndMissingRotasAreProblems()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments", "incidentbot.io/oncall: rota:payments-typo", members: "[ann, zed]")
            + "---\n" + CatalogFiles.User("ann", null)
            + "---\n" + CatalogFiles.User("bob", "bob@example.com", memberOf: "[payments, ghosts]"))
            .Write("c.yaml", CatalogFiles.Component("checkout").Replace("  owner: payments\n", ""));
        var catalog = Read();

        Assert.Equal(
        [
            "c.yaml:4: component `checkout` has no `spec.owner`; name the Group that owns it, e.g. `owner: team-a`",
            "org.yaml:6: `incidentbot.io/oncall` names `rota:payments-typo`, but there is no Rota `payments-typo` in the catalog",
            "org.yaml:10: unknown member `user:default/zed`: no User of that name in the catalog",
            "org.yaml:15: user `ann` has no `spec.profile.email`: the bot matches people to Slack, Teams and console accounts by e-mail",
            "org.yaml:30: unknown group `group:default/ghosts` in `spec.memberOf`: no Group of that name in the catalog",
        ], catalog.Problems.Select(p => p.ToString()));
        Assert.Equal(["ann", "bob"], catalog.PeopleOf(catalog.Groups.Single()).Select(u => u.Name));
    }

    [Fact]
    public void BrokenFileKeepsItsLastGoodVersionAndSaysSo()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments")).Write("c.yaml", CatalogFiles.Component("checkout"));
        var (first, good) = CatalogFolder.Read(_files.Folder);
        Assert.Empty(first.Problems);

        _files.Write("c.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [checkout\n");
        var (second, stillGood) = CatalogFolder.Read(_files.Folder, good);

        Assert.Equal("checkout", Assert.Single(second.Components).Name);
        Assert.Contains(second.Problems, p => p.File == "c.yaml" && p.Message.StartsWith("not valid YAML"));
        Assert.Contains(second.Problems, p => p.File == "c.yaml" && p.Message == "the last good version of this file is used until it is fixed");

        // Without a last good version (a fresh start), what could be read is all there is.
        Assert.Empty(CatalogFolder.Read(_files.Folder).Catalog.Components);

        _files.Write("c.yaml", CatalogFiles.Component("checkout-v2"));
        var (third, _) = CatalogFolder.Read(_files.Folder, stillGood);
        Assert.Equal("checkout-v2", Assert.Single(third.Components).Name);
        Assert.Empty(third.Problems);
    }

    [Fact]
    public void DeletedFileTakesItsEntitiesWithIt()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments")).Write("c.yaml", CatalogFiles.Component("checkout"));
        var (_, good) = CatalogFolder.Read(_files.Folder);
        File.Delete(Path.Combine(_files.Folder, "c.yaml"));

        Assert.Empty(CatalogFolder.Read(_files.Folder, good).Catalog.Components);
    }

    [Fact]
    public void YamlAndYmlInSubfoldersAreReadOtherFilesAreNot()
    {
        _files.Write("teams/payments/catalog-info.yaml", CatalogFiles.Group("payments"))
            .Write("services/checkout.yml", CatalogFiles.Component("checkout"))
            .Write("README.md", "# not YAML: *nothing* here: [")
            .Write("notes.txt", "kind: Component");
        var catalog = Read();

        Assert.Equal(["services/checkout.yml", "teams/payments/catalog-info.yaml"], catalog.Files);
        Assert.Empty(catalog.Problems);
    }

    [Fact]
    public void MissingFolderIsOneProblem()
    {
        var catalog = CatalogFolder.Read(Path.Combine(_files.Folder, "nowhere")).Catalog;
        Assert.Equal("no such file or folder", Assert.Single(catalog.Problems).Message);
    }

    public void Dispose() => _files.Dispose();
}
