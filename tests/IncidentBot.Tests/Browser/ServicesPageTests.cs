using System.Net.Http.Json;
using IncidentBot.Tests.Catalog;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// The console's Services page in Chromium: every component with its owner, people, who is on call now and next,
/// runbooks and open incidents; the catalog's problems; catalog text shown as text, never as markup; a phone's width;
/// and the incident room's card naming the service's owner and who is on call.
/// </summary>
public sealed class ServicesPageTests : IDisposable
{
    private const string Markup = "<img src=x onerror=\"window.__pwned=1\">";

    private readonly CatalogFiles _files = new();

    private void WriteCatalog() => _files
        .Write("org.yaml", CatalogFiles.Group("payments", members: "[ann]").Replace("  type: team", "  type: team\n  profile:\n    displayName: Payments")
            + "---\n" + CatalogFiles.User("ann", "ann@example.com").Replace("displayName: ann", "displayName: Ann Example")
            + "---\n" + CatalogFiles.User("bob", "bob@example.com", memberOf: "[payments]").Replace("displayName: bob", "displayName: Bob Example")
            // Ann this week, Bob next: a weekly rota that started long ago, with whoever is on call now first.
            + "---\n" + CatalogFiles.Rota("payments", zone: "Europe/Berlin", every: "1d", start: DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), members: "[ann@example.com, bob@example.com]"))
        .Write("services.yaml", CatalogFiles.Component("checkout-api", annotations: $"incidentbot.io/oncall: rota:payments\nincidentbot.io/runbooks: deploy-error-spike")
                .Replace("  name: checkout-api", $"  name: checkout-api\n  title: 'Checkout {Markup}'\n  description: 'Takes {Markup} orders'")
            + "---\n" + CatalogFiles.Component("orders-db", owner: "ghosts"))
        .Write("broken.yaml", $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [{Markup}\n");

    [SkippableTheory]
    [InlineData(1280, 900, false)]
    [InlineData(360, 740, true)]
    public async Task ServicesPageShowsOwnersOnCallRunbooksIncidentsAndProblemsAsText(int width, int height, bool phone)
    {
        WriteCatalog();
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["Catalog__Path"] = _files.Folder });
        (await console.Bot.Client.PostAsJsonAsync("/api/incidents", new { title = "Checkout is failing", severity = "sev2", service = "checkout-api", user = "alice" })).EnsureSuccessStatusCode();
        var page = await console.OpenAsync("bob", width, height, phone: phone);

        await page.GetByRole(AriaRole.Link, new() { Name = "Services" }).ClickAsync();

        var checkout = page.GetByTestId("service-checkout-api");
        await Expect(checkout).ToBeVisibleAsync();
        await Expect(page.Locator("[data-nav=services]")).ToHaveClassAsync("active");
        await Expect(checkout.GetByTestId("service-owner")).ToHaveTextAsync("Payments");
        await Expect(checkout.GetByTestId("service-people")).ToHaveTextAsync("Ann ExampleBob Example");
        await Expect(checkout.GetByTestId("oncall-now")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("(Ann|Bob) Example until .* rota"));
        await Expect(checkout.GetByTestId("oncall-next")).ToContainTextAsync("Example");
        await Expect(checkout.GetByTestId("oncall-asked")).ToHaveTextAsync("rota:payments");
        await Expect(checkout.GetByTestId("service-runbooks").GetByRole(AriaRole.Link)).ToHaveTextAsync(["Error-rate spike after a deploy", "Third-party dependency outage"]);
        await Expect(checkout.GetByTestId("service-incidents")).ToHaveTextAsync("INC-1 Checkout is failing");
        // Markup from the catalog is text: shown as written, never run.
        await Expect(checkout).ToContainTextAsync($"Checkout {Markup}");
        await Expect(checkout).ToContainTextAsync($"Takes {Markup} orders");
        var orders = page.GetByTestId("service-orders-db");
        await Expect(orders.GetByTestId("service-owner")).ToHaveTextAsync("group:default/ghosts (not in the catalog)");
        await Expect(orders.GetByTestId("oncall-now")).ToHaveTextAsync("nobody");
        var problems = page.GetByTestId("catalog-errors");
        await Expect(problems).ToContainTextAsync("broken.yaml:5: not valid YAML");
        await Expect(problems).ToContainTextAsync("services.yaml:21: unknown owner `group:default/ghosts`");
        Assert.Equal(0, await page.Locator("main img").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("window.__pwned"));
        await PageFit.AssertFitsAsync(page, "the Services page");

        // The runbook link opens the runbook; the incident link opens the room, whose side panel names owner and on-call.
        await checkout.GetByTestId("service-incidents").GetByRole(AriaRole.Link).ClickAsync();
        var card = page.GetByTestId("room-service");
        await Expect(card.GetByTestId("room-owner")).ToHaveTextAsync("Payments");
        await Expect(card.GetByTestId("room-oncall")).ToContainTextAsync("Example");
        await PageFit.AssertFitsAsync(page, "the room with the service card");
    }

    [SkippableFact]
    public async Task EmptyCatalogSaysHowToStart()
    {
        await using var console = await ConsoleBrowser.StartAsync(new Dictionary<string, string> { ["Catalog__Path"] = _files.Folder });
        var page = await console.OpenAsync("bob");

        await page.GotoAsync("/#/services");

        await Expect(page.GetByTestId("services")).ToContainTextAsync("No services in the catalog yet");
        Assert.Equal(0, await page.GetByTestId("catalog-errors").CountAsync());
    }

    public void Dispose() => _files.Dispose();
}
