using System.Text;
using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Roles;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// An incident opened from an alert for a catalogued service gets the first level-1 on-call person as commander, in
/// the background, with a timeline note naming the step that answered and every failure; a commander a person set
/// is kept; an alert for no catalogued service, or a declared incident, is left alone.
/// </summary>
public sealed class OnCallCommanderTests : IDisposable
{
    private readonly CatalogFiles _files = new();
    private readonly IOnCallDirectory _directory = Substitute.For<IOnCallDirectory>();

    public OnCallCommanderTests()
    {
        _files.Write("catalog.yaml", CatalogFiles.Group("payments", annotations: "incidentbot.io/oncall: rota:payments")
            + "---\n" + CatalogFiles.User("ann", "ann@example.com", memberOf: "[payments]")
            + "---\n" + CatalogFiles.Component("checkout-api", annotations: "incidentbot.io/oncall: pagerduty:schedule/P1"));
    }

    public void Dispose() => _files.Dispose();

    private IncidentBotApplication Start() => new(new() { ["Catalog:Path"] = _files.Folder }, s => s.AddSingleton(_directory));

    private void Answer(OnCallLookup lookup) =>
        _directory.LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>()).Returns(lookup);

    private static async Task AlertAsync(IncidentBotApplication app, string service, string key)
    {
        using var body = new StringContent($$$"""{"title":"{{{service}}} errors","dedupKey":"{{{key}}}","severity":"critical","labels":{"service":"{{{service}}}"}}""", Encoding.UTF8, "application/json");
        (await app.CreateClient().PostAsync("/webhooks/generic", body)).EnsureSuccessStatusCode();
    }

    private static async Task<string?> CommanderAsync(IncidentBotApplication app, int number) =>
        (await app.Incidents.FindAsync(number))?.Roles.GetValueOrDefault(RoleCatalog.Commander);

    public static TheoryData<OnCallPerson[], string> LevelOne => new()
    {
        // The catalog User with that e-mail: their handle.
        { [new("Zed Two", "zed@example.com", 2, null, "pagerduty"), new("Ann A.", "ANN@example.com", 1, null, "pagerduty"), new("Other One", "other@example.com", 1, null, "pagerduty")], "ann" },
        // No catalog User: the e-mail's local part.
        { [new("Pat Pager", "pat.pager@example.com", 1, null, "pagerduty")], "pat.pager" },
        { [new("Second", "second@example.com", 2, null, "pagerduty"), new("First", "first@example.com", 1, null, "pagerduty")], "first" },
        // No e-mail from the source: its name.
        { [new("Nameonly", null, 1, null, "rota")], "Nameonly" },
    };

    [Theory]
    [MemberData(nameof(LevelOne))]
    public async Task TheFirstLevelOnePersonBecomesCommander(OnCallPerson[] now, string commander)
    {
        Answer(new OnCallLookup(now, [], "pagerduty:schedule/P1", false, []));
        await using var app = Start();

        await AlertAsync(app, "checkout-api", "k1");

        await Eventually.TrueAsync(async () => await CommanderAsync(app, 1) == commander, $"{commander} to be commander");
        var timeline = await app.Incidents.TimelineOfAsync(1);
        Assert.Contains(timeline, e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.RoleAssigned && e.Text == $"Incident commander: {commander}");
        Assert.StartsWith($"On call for checkout-api: {commander} (level 1, ", await app.OnCallNoteAsync(1));
        await _directory.Received(1).LookupAsync(
            Arg.Is<OnCallRequest>(r => r.Targets.Select(t => t.ToString()).SequenceEqual(new[] { "pagerduty:schedule/P1", "rota:payments" })),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task EveryFailureAndTheStepThatAnsweredAreOnTheTimeline()
    {
        Answer(new OnCallLookup([new OnCallPerson("ann", "ann@example.com", 1, null, "rota")], [], "rota:payments", true,
            ["pagerduty:schedule/P1: did not answer within 2 s", "opsgenie:schedule/x: refused (403)"]));
        await using var app = Start();

        await AlertAsync(app, "checkout-api", "k1");

        var note = await app.OnCallNoteAsync(1);
        Assert.Equal(
            "On call for checkout-api: ann (level 1, rota) from rota:payments (remembered answer). pagerduty:schedule/P1: did not answer within 2 s; opsgenie:schedule/x: refused (403); asked rota:payments.",
            note);
        Assert.Equal("ann", await CommanderAsync(app, 1));
    }

    [Fact]
    public async Task NobodyOnCallLeavesTheCommanderOpenAndSaysWhy()
    {
        Answer(new OnCallLookup([], [], OnCallDirectory.Nobody, false, ["pagerduty:schedule/P1: nobody is on call", "rota:payments: no rota named 'payments'"]));
        await using var app = Start();

        await AlertAsync(app, "checkout-api", "k1");

        var note = await app.OnCallNoteAsync(1);
        Assert.Equal("On call for checkout-api: nobody found, so no commander was set. pagerduty:schedule/P1: nobody is on call; rota:payments: no rota named 'payments'; asked none.", note);
        Assert.Null(await CommanderAsync(app, 1));
    }

    [Fact]
    public async Task ACommanderAPersonSetIsNeverReplaced()
    {
        var answer = new TaskCompletionSource<OnCallLookup>(TaskCreationOptions.RunContinuationsAsynchronously);
        _directory.LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>()).Returns(_ => answer.Task);
        await using var app = Start();

        await AlertAsync(app, "checkout-api", "k1");
        // The lookup is under way (the channel did not wait for it); meanwhile a person takes command.
        await Eventually.TrueAsync(() => _directory.ReceivedCalls().Any(), "the on-call lookup to start");
        Assert.NotNull(await app.Incidents.FindAsync(1));
        Assert.True((await app.CommandAsync(1, "carol", "role commander")).Ok);
        answer.SetResult(new OnCallLookup([new OnCallPerson("ann", "ann@example.com", 1, null, "pagerduty")], [], "pagerduty:schedule/P1", false, []));

        var note = await app.OnCallNoteAsync(1);
        Assert.Contains("@carol stays commander", note);
        Assert.Equal("carol", await CommanderAsync(app, 1));
        Assert.DoesNotContain(await app.Incidents.TimelineOfAsync(1), e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.RoleAssigned);
    }

    [Fact]
    public async Task AnAlertForNoCatalogedServiceAndADeclaredIncidentAreLeftAlone()
    {
        Answer(new OnCallLookup([new OnCallPerson("ann", "ann@example.com", 1, null, "pagerduty")], [], "pagerduty:schedule/P1", false, []));
        await using var app = Start();

        await AlertAsync(app, "no-such-service", "k1");
        await Eventually.TrueAsync(async () => await app.Incidents.FindAsync(1) is not null, "INC-1");
        await app.CommandAsync(null, "bob", "declare Something odd sev2");
        await AlertAsync(app, "checkout-api", "k3");
        // One worker handles incidents in order: once INC-3 has its commander, INC-1 and INC-2 were seen.
        await Eventually.TrueAsync(async () => await CommanderAsync(app, 3) == "ann", "INC-3's commander");

        Assert.Null(await CommanderAsync(app, 1));
        Assert.Null(await CommanderAsync(app, 2));
        Assert.DoesNotContain(await app.Incidents.TimelineOfAsync(1), e => e.Actor == IncidentService.OnCallActor);
        Assert.DoesNotContain(await app.Incidents.TimelineOfAsync(2), e => e.Actor == IncidentService.OnCallActor);
        await _directory.Received(1).LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>());
    }
}
