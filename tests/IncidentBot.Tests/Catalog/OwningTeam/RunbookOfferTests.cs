using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IncidentBot.Incidents;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Catalog.OwningTeam.OwningTeamCatalog;

namespace IncidentBot.Tests.Catalog.OwningTeam;

/// <summary>
/// When no runbook matched the alert, the component's <c>incidentbot.io/runbooks</c> that exist are offered in the
/// room, a Start button each that starts it; a matched runbook, a component without runbooks, or only unknown names
/// offer nothing. The web room also shows the owning team and whether it was invited or mentioned.
/// </summary>
public sealed class RunbookOfferTests : IDisposable
{
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose() => _cleanup.ForEach(d => d.Dispose());

    private IncidentBotApplication Start(string runbooks, Dictionary<string, string?>? settings = null)
    {
        var files = Write(componentAnnotations: runbooks.Length == 0 ? "" : $"incidentbot.io/runbooks: {runbooks}");
        _cleanup.Add(files);
        var all = new Dictionary<string, string?> { ["Catalog:Path"] = files.Folder };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        return new IncidentBotApplication(all);
    }

    private static async Task<List<JsonObject>> RoomAsync(IncidentBotApplication app, int number) =>
        (await app.CreateClient().GetFromJsonAsync<JsonArray>($"/api/incidents/{number}/room"))!.OfType<JsonObject>().ToList();

    private static async Task<string> RoomHtmlAsync(IncidentBotApplication app, int number, string containing)
    {
        string html = "";
        await Eventually.TrueAsync(async () => (html = string.Join("\n", (await RoomAsync(app, number)).Select(m => m["html"]?.ToString()))).Contains(containing), $"'{containing}' in INC-{number}'s room");
        return html;
    }

    public static TheoryData<string, string[], string[]> Offers => new()
    {
        { "deploy-error-spike, third-party-outage", ["deploy-error-spike", "third-party-outage"], [] },
        { "third-party-outage, no-such-runbook", ["third-party-outage"], ["no-such-runbook"] },
        { "queue-backlog", ["queue-backlog"], [] },
    };

    [Theory]
    [MemberData(nameof(Offers))]
    public async Task TheServicesRunbooksAreOfferedWhenNoneMatched(string annotation, string[] offered, string[] left)
    {
        await using var app = Start(annotation);

        await AlertAsync(app, "sev2");

        var note = await EntryAsync(app, 1, "catalog", TimelineKinds.RunbooksOffered);
        Assert.Equal($"No runbook matched the alert; offered checkout-api's runbooks: {string.Join(", ", offered)}", note);
        var html = await RoomHtmlAsync(app, 1, "Runbooks for checkout-api");
        foreach (var id in offered)
        {
            Assert.Contains($"data-command=\"runbook start {id}\"", html);
        }
        foreach (var id in left)
        {
            Assert.DoesNotContain(id, html);
        }
        Assert.Empty((await app.Incidents.FindAsync(1))!.RunbookSessions);
    }

    [Fact]
    public async Task PressingStartWalksTheRunbook()
    {
        await using var app = Start("deploy-error-spike, third-party-outage");
        await AlertAsync(app, "sev2");
        var html = await RoomHtmlAsync(app, 1, "Runbooks for checkout-api");
        Assert.Contains("data-command=\"runbook start third-party-outage\"", html);

        var started = await app.CommandAsync(1, "carol", "runbook start third-party-outage");

        Assert.True(started.Ok);
        Assert.Equal("third-party-outage", Assert.Single((await app.Incidents.FindAsync(1))!.RunbookSessions).RunbookId);
    }

    public static TheoryData<string, string> NoOffer => new()
    {
        // A runbook matched the alert and started.
        { "third-party-outage, queue-backlog", "ExternalDependencyErrorRateHigh" },
        // No runbooks in the catalog.
        { "", "CheckoutErrors" },
        // Only names the library does not have.
        { "no-such-runbook, gone-too", "CheckoutErrors" },
    };

    [Theory]
    [MemberData(nameof(NoOffer))]
    public async Task NothingIsOfferedWhenARunbookMatchedOrNoneExists(string annotation, string alertname)
    {
        await using var app = Start(annotation);

        await AlertAsync(app, "sev2", alertname: alertname);

        // The owning team is called after the offer is decided: once it is, the offer would be there.
        await EntryAsync(app, 1, "catalog", TimelineKinds.TeamCalled);
        await RoomHtmlAsync(app, 1, "Owning team: payments");
        Assert.Equal(0, await CountAsync(app, 1, TimelineKinds.RunbooksOffered));
        Assert.DoesNotContain(await RoomAsync(app, 1), m => m["html"]?.ToString().Contains("Runbooks for") == true);
    }

    [Theory]
    [InlineData("sev1", "invited")]
    [InlineData("sev2", "invited")]
    [InlineData("sev3", "mentioned")]
    [InlineData("sev4", "mentioned")]
    public async Task TheRoomShowsTheOwningTeamAndHowItWasCalled(string severity, string verb)
    {
        var files = Write(groupAnnotations: "incidentbot.io/slack-usergroup: payments-oncall\nincidentbot.io/teams-team: 19b2d5ec-7a1f-4f6e-9d2c-3b0f3c0a5e11");
        _cleanup.Add(files);
        await using var app = new IncidentBotApplication(new() { ["Catalog:Path"] = files.Folder });

        await AlertAsync(app, severity);

        var html = await RoomHtmlAsync(app, 1, "Owning team: payments");
        Assert.Contains($"<strong>Owning team: payments</strong> — {verb} ({severity.ToUpperInvariant()}) through Slack user group payments-oncall and Teams team 19b2d5ec-7a1f-4f6e-9d2c-3b0f3c0a5e11", html);
        Assert.Contains($"msg-team-{verb}", html);
    }

    [Fact]
    public async Task RunbookTitlesAndTeamNamesReachTheRoomAsText()
    {
        var runbooks = Directory.CreateTempSubdirectory("runbooks-");
        _cleanup.Add(new Folder(runbooks.FullName));
        File.WriteAllText(Path.Combine(runbooks.FullName, "odd.md"), """
            ---
            id: odd-title
            title: Fix <b>it</b> & <script>alert(1)</script> *now* <!channel>
            ---
            # Odd
            Why.

            ## Look
            Look around.
            """);
        await using var app = Start("odd-title", new() { ["Runbooks:Path"] = runbooks.FullName });

        await AlertAsync(app, "sev2");

        var html = await RoomHtmlAsync(app, 1, "Runbooks for checkout-api");
        Assert.Contains("Fix &lt;b&gt;it&lt;/b&gt; &amp; &lt;script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>it", html);
    }

    private sealed class Folder(string path) : IDisposable
    {
        public void Dispose()
        {
            try { Directory.Delete(path, recursive: true); } catch (IOException) { }
        }
    }
}
