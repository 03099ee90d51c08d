using System.Net.Http.Json;
using IncidentBot.Chat.Commands;
using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// <c>oncall [service]</c>: now and next with shift ends, the source that answered, a remembered answer marked as
/// such, each failure named; the incident's own service inside an incident; near names for an unknown one.
/// </summary>
public sealed class OnCallCommandTests : IDisposable
{
    private static readonly DateTimeOffset ShiftEnd = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly CatalogFiles _files = new();
    private readonly IOnCallDirectory _directory = Substitute.For<IOnCallDirectory>();

    public OnCallCommandTests()
    {
        _files.Write("catalog.yaml", CatalogFiles.Group("payments", annotations: "incidentbot.io/oncall: rota:payments")
            + "---\n" + CatalogFiles.Component("checkout-api", annotations: "incidentbot.io/oncall: pagerduty:schedule/P1")
            + "---\n" + CatalogFiles.Component("checkout-worker")
            + "---\n" + CatalogFiles.Component("orders-db"));
    }

    public void Dispose() => _files.Dispose();

    private IncidentBotApplication Start() => new(new() { ["Catalog:Path"] = _files.Folder }, s => s.AddSingleton(_directory));

    private void Answer(OnCallLookup lookup) =>
        _directory.LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>()).Returns(lookup);

    [Theory]
    [InlineData("oncall", null, null)]
    [InlineData("ONCALL checkout-api", "checkout-api", null)]
    [InlineData("on-call orders-db", "orders-db", null)]
    [InlineData("/incident oncall component:default/orders-db", "component:default/orders-db", null)]
    [InlineData("INC-3 oncall", null, 3)]
    [InlineData("#12 oncall checkout-api", "checkout-api", 12)]
    public void OnCallIsACommandAnyoneMayRun(string text, string? service, int? incident)
    {
        var command = Assert.IsType<OnCallCommand>(CommandParser.Parse(text).Command);

        Assert.Equal(service, command.Service);
        Assert.Equal(incident, command.IncidentNumber);
        Assert.Equal(IncidentBot.Access.AccessRole.Viewer, command.Needs);
        Assert.False(command.NeedsIncident);
    }

    [Fact]
    public void OnCallTakesOneService()
    {
        var parsed = CommandParser.Parse("oncall checkout-api orders-db");

        Assert.Null(parsed.Command);
        Assert.Contains("Usage: `oncall [service]`", parsed.Problem);
    }

    [Fact]
    public async Task HelpListsIt()
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "alice", "help");

        Assert.Contains("`oncall [service]` — who is on call now and next", reply.AllText);
    }

    [Fact]
    public async Task NowAndNextWithShiftEndsAndTheSourceThatAnswered()
    {
        Answer(new OnCallLookup(
            [new OnCallPerson("Pat Pager", "pat@example.com", 1, ShiftEnd, "pagerduty"), new OnCallPerson("Sam Second", "sam@example.com", 2, null, "pagerduty")],
            [new OnCallPerson("Nia Next", "nia@example.com", 1, ShiftEnd.AddDays(7), "pagerduty")],
            "pagerduty:schedule/P1", false, []));
        await using var app = Start();

        var reply = await app.CommandAsync(null, "alice", "oncall checkout-api");

        Assert.True(reply.Ok);
        var text = reply.AllText;
        Assert.Contains("On call for **checkout\\-api**:", text);
        Assert.Contains("- Now: Pat Pager (pat\\@example\\.com), level 1, until 2026-12-07 09:00 UTC · pagerduty", text);
        Assert.Contains("- Now: Sam Second (sam\\@example\\.com), level 2 · pagerduty", text);
        Assert.Contains("- Next: Nia Next (nia\\@example\\.com), level 1, until 2026-12-14 09:00 UTC · pagerduty", text);
        Assert.Contains("Answered by: pagerduty\\:schedule/P1.", text);
        Assert.DoesNotContain("remembered answer", text);
        Assert.DoesNotContain("⚠", text);
        // The component's own target first, then its owning group's.
        await _directory.Received(1).LookupAsync(
            Arg.Is<OnCallRequest>(r => r.Targets.Select(t => t.ToString()).SequenceEqual(new[] { "pagerduty:schedule/P1", "rota:payments" })),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ARememberedAnswerSaysSoAndEveryFailureIsNamed()
    {
        Answer(new OnCallLookup(
            [new OnCallPerson("Cached Carl", null, 1, null, "pagerduty")], [],
            "pagerduty:schedule/P1", true,
            ["pagerduty:schedule/P1: did not answer within 2 s", "rota:payments: no rota named 'payments'"]));
        await using var app = Start();

        var text = (await app.CommandAsync(null, "alice", "oncall checkout-api")).AllText;

        Assert.Contains("(remembered answer)", text);
        Assert.Contains("⚠ pagerduty\\:schedule/P1\\: did not answer within 2 s", text);
        Assert.Contains("⚠ rota\\:payments\\: no rota named \\'payments\\'", text);
        Assert.Contains("- Next: the source does not say.", text);
    }

    [Fact]
    public async Task InsideAnIncidentItAsksForTheIncidentsOwnService()
    {
        Answer(new OnCallLookup([new OnCallPerson("Olive", "olive@example.com", 1, null, "rota")], [], "rota:payments", false, []));
        await using var app = Start();
        var client = app.CreateClient();
        (await client.PostAsJsonAsync("/api/incidents", new { title = "Orders lag", severity = "sev2", service = "Orders-DB", user = "alice" })).EnsureSuccessStatusCode();

        var reply = await app.CommandAsync(1, "bob", "oncall");

        Assert.True(reply.Ok, reply.AllText);
        Assert.Contains("On call for **orders\\-db**:", reply.AllText);
        Assert.Contains("- Now: Olive (olive\\@example\\.com), level 1 · rota", reply.AllText);
    }

    [Fact]
    public async Task WithoutAServiceOutsideAnIncidentItAsksForOne()
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "alice", "oncall");

        Assert.False(reply.Ok);
        Assert.Contains("Name the service, e.g. `oncall checkout`", reply.AllText);
        await _directory.DidNotReceiveWithAnyArgs().LookupAsync(default!, default);
    }

    [Fact]
    public async Task AnIncidentWithoutAServiceSaysSo()
    {
        await using var app = Start();
        await app.CommandAsync(null, "bob", "declare Something odd sev3");

        var reply = await app.CommandAsync(1, "bob", "oncall");

        Assert.False(reply.Ok);
        Assert.Contains("INC-1 names no service", reply.AllText);
    }

    [Theory]
    [InlineData("checkout", "`oncall checkout-api`, `oncall checkout-worker`")]
    [InlineData("checkout-apj", "`oncall checkout-api`")]
    [InlineData("orders", "`oncall orders-db`")]
    [InlineData("ORDERS-DV", "`oncall orders-db`")]
    public async Task AnUnknownServiceGetsTheNearNames(string typed, string suggested)
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "alice", $"oncall {typed}");

        Assert.False(reply.Ok);
        Assert.Contains("There is no service", reply.AllText);
        Assert.Contains($"Did you mean {suggested}", reply.AllText);
        await _directory.DidNotReceiveWithAnyArgs().LookupAsync(default!, default);
    }

    [Fact]
    public async Task AnUnknownServiceWithNothingNearSaysHowManyThereAre()
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "alice", "oncall zzzzzzzzzz");

        Assert.False(reply.Ok);
        Assert.Contains("There is no service zzzzzzzzzz in the catalog. The Services page lists all 3.", reply.AllText);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("[x](https://evil.example)")]
    [InlineData("**bold**`code`")]
    [InlineData("<!channel>")]
    public async Task AnUnknownServiceIsEchoedAsTextNeverAsMarkup(string typed)
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "alice", $"oncall {typed}");

        Assert.False(reply.Ok);
        Assert.Contains("There is no service", reply.AllText);
        Assert.DoesNotContain(typed, reply.AllText);
    }

    [Theory]
    [InlineData("*Eve*", "\\*Eve\\*")]
    [InlineData("<@U123> [click](https://evil.example)", "\\<\\@U123\\> \\[click\\]\\(https\\://evil\\.example\\)")]
    [InlineData("`rm -rf`", "\\`rm \\-rf\\`")]
    public void NamesFromSourcesAreShownAsText(string name, string shown)
    {
        var component = new IncidentBot.Catalog.CatalogComponent { Ref = new IncidentBot.Catalog.EntityRef("component", "default", "x"), Name = "x", File = "f", Line = 1 };
        var lookup = new OnCallLookup([new OnCallPerson(name, null, 1, null, "rota")], [], "rota:x", false, [name]);

        var text = OnCallReplies.Describe(component, new OnCallRequest([], null, null), lookup);

        Assert.Contains($"- Now: {shown}, level 1", text);
        Assert.Contains($"⚠ {shown}", text);
        Assert.DoesNotContain(name, text);
    }
}
