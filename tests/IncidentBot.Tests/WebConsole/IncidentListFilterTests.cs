using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.WebConsole;

/// <summary><c>GET /api/incidents</c> with filters: the right incidents, and a problem naming each bad parameter.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class IncidentListFilterTests
{
    private static async Task<IncidentBotApplication> FourIncidentsAsync()
    {
        var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lena" });
        await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout errors","dedupKey":"checkout","severity":"critical","labels":{"service":"checkout"}}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Search is slow","dedupKey":"search","severity":"warning","labels":{"service":"search"}}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout 100% down","dedupKey":"checkout-2","severity":"critical","labels":{"service":"Checkout"}}""");
        await app.WaitForProcessingAsync();
        await app.CommandAsync(3, "alice", "resolve");
        var drill = await app.CommandAsync(null, "lena", "drill run disk-filling-up");
        Assert.True(drill.Ok, drill.AllText);
        return app;
    }

    private static async Task<List<int>> NumbersAsync(IncidentBotApplication app, string query) =>
        (await app.CreateClient().GetFromJsonAsync<List<IncidentView>>($"/api/incidents?{query}", Json.Options))!.Select(i => i.Number).ToList();

    [Theory]
    [InlineData("", new[] { 4, 3, 2, 1 })]
    [InlineData("status=open", new[] { 4, 2, 1 })]
    [InlineData("status=RESOLVED", new[] { 3 })]
    [InlineData("severity=sev1", new[] { 3, 1 })]
    [InlineData("severity=SEV3&status=open", new[] { 4, 2 })]
    [InlineData("severity=4", new int[0])]
    [InlineData("service=checkout", new[] { 3, 1 })]
    [InlineData("service=%20search%20", new[] { 2 })]
    [InlineData("service=check", new int[0])]
    [InlineData("drill=true", new[] { 4 })]
    [InlineData("drill=false", new[] { 3, 2, 1 })]
    [InlineData("q=checkout", new[] { 3, 1 })]
    [InlineData("q=CHECKOUT%20ERR", new[] { 1 })]
    [InlineData("q=100%25", new[] { 3 })]
    [InlineData("q=%25", new[] { 3 })]
    [InlineData("q=_", new int[0])]
    [InlineData("q=checkout&status=open&severity=sev1&service=checkout&drill=false", new[] { 1 })]
    [InlineData("severity=&service=&drill=&q=&status=", new[] { 4, 3, 2, 1 })]
    [InlineData("q=checkout&limit=1", new[] { 3 })]
    [InlineData("q=checkout&before=3", new[] { 1 })]
    public async Task FiltersPickTheIncidents(string query, int[] expected)
    {
        await using var app = await FourIncidentsAsync();

        Assert.Equal(expected, await NumbersAsync(app, query));
    }

    public static TheoryData<string, string, string> BadFilters => new()
    {
        { "status=closed-ish", "status", "'closed-ish' is not a status filter" },
        { "severity=urgent", "severity", "'urgent' is not a severity: use sev1 to sev4." },
        { "severity=sev5", "severity", "'sev5' is not a severity" },
        { "severity=%3Cscript%3E", "severity", "'<script>' is not a severity" },
        { "drill=yes", "drill", "'yes' is not a drill filter: use true (drills only) or false (real incidents only)." },
        { "drill=1", "drill", "'1' is not a drill filter" },
        { $"service={new string('s', 201)}", "service", "service must be at most 200 characters (201 given)." },
        { $"q={new string('q', 5000)}", "q", "q must be at most 200 characters (5,000 given)." },
        { "q=a%0Ab", "q", "q must not contain control characters" },
        { "service=a%00b", "service", "service must not contain control characters" },
        { "limit=0", "limit", "limit must be between 1 and 1000." },
        { $"severity={new string('x', 500)}", "severity", $"'{new string('x', 39)}…' is not a severity" },
        { "severity=bad%0Aline", "severity", "'badline' is not a severity" },
    };

    [Theory]
    [MemberData(nameof(BadFilters))]
    public async Task BadFiltersAreProblemsNamingTheParameter(string query, string parameter, string message)
    {
        await using var app = new IncidentBotApplication();

        var response = await app.CreateClient().GetAsync($"/api/incidents?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.Equal([parameter], errors.EnumerateObject().Select(p => p.Name));
        Assert.Contains(message, errors.GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task EveryBadParameterIsNamedAtOnce()
    {
        await using var app = new IncidentBotApplication();

        var response = await app.CreateClient().GetAsync("/api/incidents?status=x&severity=y&drill=z&limit=5000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["drill", "limit", "severity", "status"], errors.EnumerateObject().Select(p => p.Name).Order());
    }
}
