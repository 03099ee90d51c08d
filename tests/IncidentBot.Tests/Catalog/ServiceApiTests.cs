using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Catalog;
using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Catalog;

/// <summary><c>/api/services</c>: components with owners and people, on-call now and next, runbooks, open incidents, and catalog errors.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ServiceApiTests : IDisposable
{
    private readonly CatalogFiles _files = new();

    private void WriteCatalog() => _files
        .Write("org.yaml", CatalogFiles.Group("payments", "incidentbot.io/oncall: rota:payments\nincidentbot.io/slack-usergroup: payments-oncall", members: "[ann]")
            + "---\n" + CatalogFiles.User("ann", "ann@example.com")
            + "---\n" + CatalogFiles.User("bob", "bob@example.com", memberOf: "[payments]")
            + "---\n" + CatalogFiles.Rota("payments", members: "[ann@example.com]"))
        .Write("services.yaml", CatalogFiles.Component("checkout-api", annotations: "incidentbot.io/oncall: opsgenie:schedule/payments\nincidentbot.io/runbooks: database-failover, no-such-runbook")
            + "---\n" + CatalogFiles.Component("orders-db", annotations: "pagerduty.com/service-id: P6V1UFE")
            + "---\n" + CatalogFiles.Component("legacy", owner: "ghosts"))
        .Write("broken.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [x\n");

    private IncidentBotApplication Start(Action<IServiceCollection>? services = null) => new(new() { ["Catalog:Path"] = _files.Folder }, services);

    [Fact]
    public async Task ListShowsOwnersPeopleOnCallRunbooksAndCatalogErrors()
    {
        WriteCatalog();
        var pager = new FixedSource("pagerduty", new OnCallPerson("Pat Pager", "pat@example.com", 1, new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), "pagerduty"));
        await using var app = Start(s => s.AddSingleton<IOnCallSource>(pager));

        var list = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/services");

        var services = list.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["checkout-api", "legacy", "orders-db"], services.Keys);
        var checkout = services["checkout-api"];
        Assert.Equal("group:default/payments", checkout.GetProperty("owner").GetProperty("ref").GetString());
        Assert.Equal(["ann <ann@example.com>", "bob <bob@example.com>"], checkout.GetProperty("owner").GetProperty("people").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()} <{p.GetProperty("email").GetString()}>"));
        Assert.Equal("payments-oncall", checkout.GetProperty("slackUsergroup").GetString());
        // No Opsgenie source is configured: the group's rota answers, and the failure is named.
        var onCall = checkout.GetProperty("onCall");
        Assert.Equal("ann@example.com", onCall.GetProperty("now")[0].GetProperty("email").GetString());
        Assert.Equal("ann", onCall.GetProperty("now")[0].GetProperty("name").GetString());
        Assert.Equal("rota:payments", onCall.GetProperty("answeredBy").GetString());
        Assert.Equal(["opsgenie:schedule/payments: no on-call source named 'opsgenie' is configured"], onCall.GetProperty("failures").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["opsgenie:schedule/payments", "rota:payments"], onCall.GetProperty("targets").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(
            ["database-failover:True", "no-such-runbook:False"],
            checkout.GetProperty("runbooks").EnumerateArray().Select(r => $"{r.GetProperty("id").GetString()}:{r.GetProperty("found").GetBoolean()}").Take(2));
        // Runbooks whose front matter lists the service are its runbooks too.
        Assert.Contains("deploy-error-spike", checkout.GetProperty("runbooks").EnumerateArray().Select(r => r.GetProperty("id").GetString()));

        var orders = services["orders-db"].GetProperty("onCall");
        Assert.Equal("Pat Pager", orders.GetProperty("now")[0].GetProperty("name").GetString());
        Assert.Equal("pagerduty:service/P6V1UFE", orders.GetProperty("answeredBy").GetString());
        Assert.Equal([new OnCallTarget("pagerduty", "service", "P6V1UFE")], pager.Asked);

        var legacy = services["legacy"];
        Assert.False(legacy.GetProperty("owner").GetProperty("known").GetBoolean());
        Assert.Equal("none", legacy.GetProperty("onCall").GetProperty("answeredBy").GetString());

        var errors = list.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("file").GetString()}:{e.GetProperty("line").GetInt32()}: {e.GetProperty("message").GetString()}").ToList();
        Assert.Contains(errors, e => e.StartsWith("broken.yaml:5: not valid YAML", StringComparison.Ordinal));
        Assert.Contains("services.yaml:29: unknown owner `group:default/ghosts`: no Group or User of that name in the catalog", errors);
    }

    [Fact]
    public async Task OpenIncidentsOfTheServiceAreListedAndResolvedOnesAreNot()
    {
        WriteCatalog();
        await using var app = Start();
        var client = app.CreateClient();
        foreach (var (title, service) in new[] { ("Checkout is down", "checkout-api"), ("Checkout slow", "Checkout-API"), ("Orders lag", "orders-db"), ("Old one", "checkout-api") })
        {
            (await client.PostAsJsonAsync("/api/incidents", new { title, severity = "sev2", service, user = "alice" })).EnsureSuccessStatusCode();
        }
        await app.CommandAsync(4, "alice", "resolve");

        var checkout = await client.GetFromJsonAsync<JsonElement>("/api/services/checkout-api");

        Assert.Equal([1, 2], checkout.GetProperty("openIncidents").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()));
        Assert.Equal("Checkout is down", checkout.GetProperty("openIncidents")[0].GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("component:other%2Fcheckout-api")]
    public async Task UnknownServiceIsA404Problem(string name)
    {
        WriteCatalog();
        await using var app = Start();

        var response = await app.CreateClient().GetAsync($"/api/services/{name}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("in the service catalog", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SlowSourceCostsItsServiceTwoSecondsAndNotThePage()
    {
        WriteCatalog();
        await using var app = Start(s => s.AddSingleton<IOnCallSource>(new HangingSource("pagerduty")));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var orders = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/services/orders-db");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4.5), $"took {watch.Elapsed}");
        Assert.Equal(["pagerduty:service/P6V1UFE: did not answer within 2 s"], orders.GetProperty("onCall").GetProperty("failures").EnumerateArray().Select(f => f.GetString()));
    }

    public void Dispose() => _files.Dispose();

    private sealed class FixedSource(string name, OnCallPerson person) : IOnCallSource
    {
        public List<OnCallTarget> Asked { get; } = [];

        public string Name => name;

        public Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
        {
            lock (Asked) { Asked.Add(target); }
            return Task.FromResult(new OnCallAnswer([person], []));
        }
    }

    private sealed class HangingSource(string name) : IOnCallSource
    {
        public string Name => name;

        public async Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class FixedDirectory : IOnCallDirectory
    {
        public List<OnCallRequest> Requests { get; } = [];

        public Task<OnCallLookup> LookupAsync(OnCallRequest request, CancellationToken cancellationToken)
        {
            lock (Requests) { Requests.Add(request); }
            return Task.FromResult(new OnCallLookup([new OnCallPerson("Cached Carl", null, 1, null, "pagerduty")], [], request.Targets[0].ToString(), true, ["pagerduty: timed out"]));
        }
    }
}
