using System.Text;
using IncidentBot.Access;
using IncidentBot.Chat;
using IncidentBot.Chat.Commands;
using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Roles;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// The on-call commander's lifecycle: the person asked accepts (nobody else may), hands off to the next on call or to
/// someone named, and unaccepted within <c>OnCall:AcceptWithin</c> the next level is asked, until nobody is left. A
/// commander a person set stops it; the state is on the incident, so a restart picks the wait up where it was.
/// Quartz runs on a fake clock: nothing waits five real minutes.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class OnCallAcceptTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private readonly CatalogFiles _files = new();
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-oncall-accept-").FullName;
    private readonly IOnCallDirectory _directory = Substitute.For<IOnCallDirectory>();
    private readonly CollectedLogs _logs = new();

    public OnCallAcceptTests()
    {
        _files.Write("catalog.yaml", CatalogFiles.Group("payments")
            + "---\n" + CatalogFiles.User("ann", "ann@example.com", memberOf: "[payments]")
            + "---\n" + CatalogFiles.User("carol", "carol@example.com", memberOf: "[payments]")
            + "---\n" + CatalogFiles.Component("checkout-api", annotations: "incidentbot.io/oncall: pagerduty:schedule/P1"));
        // Two people at level 1 (ann is the primary schedule's, listed first), one at level 2.
        _directory.LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>()).Returns(new OnCallLookup(
            [
                new OnCallPerson("Zed Second", "zed@example.com", 2, null, "pagerduty"),
                new OnCallPerson("Ann A.", "ann@example.com", 1, null, "pagerduty"),
                new OnCallPerson("Otto O.", "otto@example.com", 1, null, "pagerduty"),
            ],
            [], "pagerduty:schedule/P1", false, []));
    }

    public void Dispose()
    {
        _files.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private (IncidentBotApplication App, FakeTimeProvider Clock) Launch(DateTimeOffset now, string? acceptWithin = null)
    {
        var clock = new FakeTimeProvider(now);
        var settings = new Dictionary<string, string?> { ["Catalog:Path"] = _files.Folder };
        if (acceptWithin is not null)
        {
            settings["OnCall:AcceptWithin"] = acceptWithin;
        }
        var app = new IncidentBotApplication(settings, s => s.AddSingleton<TimeProvider>(clock).AddSingleton(_directory).AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs), dataFolder: _data);
        _ = app.Server; // start the bot now
        return (app, clock);
    }

    private static async Task OpenAsync(IncidentBotApplication app)
    {
        using var body = new StringContent("""{"title":"checkout-api errors","dedupKey":"k1","severity":"critical","labels":{"service":"checkout-api"}}""", Encoding.UTF8, "application/json");
        (await app.CreateClient().PostAsync("/webhooks/generic", body)).EnsureSuccessStatusCode();
        await WaitForCommanderAsync(app, "ann");
    }

    private static Task WaitForCommanderAsync(IncidentBotApplication app, string handle) =>
        Eventually.TrueAsync(async () => (await app.Incidents.FindAsync(1))?.Roles.GetValueOrDefault(RoleCatalog.Commander) == handle, $"@{handle} to be commander");

    /// <summary>When the stored ask escalates next (null: it does not), as every replica's sweep reads it.</summary>
    private static async Task<DateTimeOffset?> EscalatesAtAsync(IncidentBotApplication app, TimeSpan? acceptWithin = null)
    {
        var incident = (await app.Incidents.FindAsync(1))!;
        return incident.OnCall?.EscalatesAt(incident.Roles.GetValueOrDefault(RoleCatalog.Commander), acceptWithin ?? TimeSpan.FromMinutes(5));
    }

    /// <summary>Nothing may have happened: the sweep runs on every move of the clock, so a moment after one it has looked.</summary>
    private static async Task LetTheSweepLookAsync(FakeTimeProvider clock, DateTimeOffset at)
    {
        clock.SetUtcNow(at);
        await Task.Delay(300);
    }

    private static Task<CommandReply> RunAsync(IncidentBotApplication app, Actor actor, string text) =>
        app.Services.GetRequiredService<ChatCommandHandler>().HandleAsync(actor, text, 1);

    private static string Said(CommandReply reply) => string.Join("\n", reply.Messages.Select(m => m.ToPlainText()));

    private static async Task<List<string>> CardButtonsAsync(IncidentBotApplication app) =>
        (await app.Services.GetRequiredService<IncidentService>().StatusCardAsync(1))!.Blocks.OfType<ButtonsBlock>().SelectMany(b => b.Buttons).Select(b => b.Command).ToList();

    private static async Task<List<TimelineEntry>> TimelineAsync(IncidentBotApplication app, string kind) =>
        (await app.Incidents.TimelineOfAsync(1)).Where(e => e.Kind == kind).ToList();

    public static TheoryData<string, string?, bool> Accepters => new()
    {
        { "ann", null, true },                        // the handle asked, typed
        { "ANN", null, true },                        // in any case
        { "Ann A. (Slack)", "ann@example.com", true }, // another name, but the e-mail the platform proved
        { "someone", "Ann@Example.com", true },
        { "otto", "otto@example.com", false },         // also on call, but not asked
        { "mallory", null, false },
        { "ann2", null, false },
        { "anna", "ann@example.org", false },          // a look-alike e-mail
        { "zed", "zed@example.com", false },
    };

    [Theory]
    [MemberData(nameof(Accepters))]
    public async Task OnlyThePersonAskedCanAccept(string name, string? email, bool accepts)
    {
        var (app, _) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);
        Assert.Contains("accept", await CardButtonsAsync(app));
        Assert.Contains("handoff", await CardButtonsAsync(app));

        var reply = await RunAsync(app, new Actor(name) { Email = email, Platform = "slack" }, "accept");

        var incident = (await app.Incidents.FindAsync(1))!;
        if (accepts)
        {
            Assert.False(reply.IsError, Said(reply));
            Assert.Contains("@ann** accepted command of INC-1", Said(reply));
            Assert.Equal(Start, incident.OnCall!.AcceptedAt);
            var entry = Assert.Single(await TimelineAsync(app, TimelineKinds.OnCallAccepted));
            Assert.Equal("ann accepted command (on call for checkout-api, level 1) after 0s", entry.Text);
            Assert.DoesNotContain("accept", await CardButtonsAsync(app));
            Assert.DoesNotContain("handoff", await CardButtonsAsync(app));
            Assert.Contains("accepted at", (await app.Services.GetRequiredService<IncidentService>().StatusCardAsync(1))!.ToPlainText());
            Assert.Null(await EscalatesAtAsync(app));
        }
        else
        {
            Assert.True(reply.IsError);
            Assert.Equal("Only @ann, whom on-call asked to command INC-1, can accept. To take command yourself use `role commander`; to pass it on, `handoff @person`.", Said(reply));
            Assert.Null(incident.OnCall!.AcceptedAt);
            Assert.Empty(await TimelineAsync(app, TimelineKinds.OnCallAccepted));
            Assert.Contains("accept", await CardButtonsAsync(app));
        }
        Assert.Equal("ann", incident.Roles[RoleCatalog.Commander]);
    }

    [Fact]
    public async Task TheAskNamesTheOthersOnCallAndTheCardShowsWhoIsAsked()
    {
        var (app, _) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);

        var note = (await app.Incidents.TimelineOfAsync(1)).First(e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.Note).Text;
        Assert.Equal("On call for checkout-api: ann (level 1, pagerduty) from pagerduty:schedule/P1. Also on call at level 1: otto (reachable with Hand off).", note);
        var card = (await app.Services.GetRequiredService<IncidentService>().StatusCardAsync(1))!;
        Assert.Contains(card.Blocks.OfType<FieldsBlock>().SelectMany(f => f.Fields), f => f.Label == "On call" && f.Value == "@ann (level 1): asked at 2026-12-06 03:00 UTC, not accepted yet");
        // The console's room gets the ask, naming the person asked.
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetStringAsync("/api/incidents/1/room")).Contains("You are asked to command"), "the ask in the room");
        var room = await app.CreateClient().GetStringAsync("/api/incidents/1/room");
        Assert.Contains("msg-mention", room);
        Assert.Contains("within 5 min", room);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), await EscalatesAtAsync(app));
    }

    [Fact]
    public async Task HandOffGoesToTheOtherLevelOnePersonThenTheNextLevelThenNobody()
    {
        var (app, clock) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);

        clock.SetUtcNow(Start + TimeSpan.FromMinutes(1));
        var first = await RunAsync(app, new Actor("ann"), "handoff");
        Assert.False(first.IsError, Said(first));
        await WaitForCommanderAsync(app, "otto");
        Assert.Contains("@otto @ann handed command on. You are asked to command **INC-1** (on call for checkout-api, level 1).", Said(first));
        // The new person gets the whole time to accept, from when they were asked.
        Assert.Equal(Start + TimeSpan.FromMinutes(6), await EscalatesAtAsync(app));

        var notOtto = await RunAsync(app, new Actor("ann"), "handoff");
        Assert.Equal("Only @otto, the on-call commander of INC-1, can hand off. To take command yourself use `role commander`; to give it to someone, `role commander @person`.", Said(notOtto));

        Assert.False((await RunAsync(app, new Actor("o") { Email = "OTTO@example.com" }, "hand-off")).IsError);
        await WaitForCommanderAsync(app, "zed");
        var last = await RunAsync(app, new Actor("zed"), "handoff");
        Assert.True(last.IsError);
        Assert.Equal("Nobody else is on call for checkout-api: @zed stays commander. Name someone: `handoff @person`.", Said(last));

        Assert.Equal(
            ["ann handed command to otto (the next on call for checkout-api, level 1)", "otto handed command to zed (the next on call for checkout-api, level 2)"],
            (await TimelineAsync(app, TimelineKinds.OnCallHandedOff)).Select(e => e.Text));
        Assert.Equal(["ann", "otto", "zed"], (await app.Incidents.FindAsync(1))!.OnCall!.Asked);
    }

    [Fact]
    public async Task HandOffToANamedPersonWhoThenAccepts()
    {
        var (app, _) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);

        Assert.False((await RunAsync(app, new Actor("ann"), "handoff @carol")).IsError);
        await WaitForCommanderAsync(app, "carol");
        // Carol is not on call, but the catalog knows her e-mail: the platforms mention her by it.
        var ask = (await app.Incidents.FindAsync(1))!.OnCall!;
        Assert.Equal(("carol", "carol@example.com"), (ask.Handle, ask.Email));
        var self = await RunAsync(app, new Actor("carol"), "handoff @Carol");
        Assert.Contains("@carol is already the on-call commander", Said(self));
        Assert.True((await RunAsync(app, new Actor("ann"), "accept")).IsError);
        Assert.False((await RunAsync(app, new Actor("carol"), "accept")).IsError);

        Assert.Equal("ann handed command to carol (named by hand)", Assert.Single(await TimelineAsync(app, TimelineKinds.OnCallHandedOff)).Text);
        Assert.Equal("carol accepted command (on call for checkout-api, level 1) after 0s", Assert.Single(await TimelineAsync(app, TimelineKinds.OnCallAccepted)).Text);
        var malformed = await RunAsync(app, new Actor("carol"), "handoff @a @b");
        Assert.True(malformed.IsError);
        Assert.Contains("Usage: `handoff [@person]`", Said(malformed));
    }

    [Theory]
    [InlineData("dave")]
    [InlineData("carol2")]
    public async Task HandOffToSomeoneTheCatalogDoesNotKnowNamesThemWithoutAnEmail(string who)
    {
        var (app, _) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);

        Assert.False((await RunAsync(app, new Actor("ann"), $"handoff @{who}")).IsError);

        await WaitForCommanderAsync(app, who);
        var ask = (await app.Incidents.FindAsync(1))!.OnCall!;
        Assert.Equal((who, (string?)null), (ask.Handle, ask.Email));
    }

    [Fact]
    public async Task UnacceptedTheNextLevelIsAskedThenTheTimelineSaysNobodyIsLeft()
    {
        var (app, clock) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), await EscalatesAtAsync(app));

        await LetTheSweepLookAsync(clock, Start + TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.Equal("ann", (await app.Incidents.FindAsync(1))!.Roles[RoleCatalog.Commander]);
        Assert.Empty(await TimelineAsync(app, TimelineKinds.OnCallEscalated));

        // Escalation skips the other level-1 person: it goes up a level.
        clock.SetUtcNow(Start + TimeSpan.FromMinutes(5));
        await WaitForCommanderAsync(app, "zed");
        Assert.Equal("ann did not accept within 5 min: asking level 2 of checkout-api, zed", Assert.Single(await TimelineAsync(app, TimelineKinds.OnCallEscalated)).Text);
        await Eventually.TrueAsync(async () => (await app.CreateClient().GetStringAsync("/api/incidents/1/room")).Contains("@ann did not accept within 5 min. You are asked"), "the ask of level 2 in the room");
        Assert.Equal(Start + TimeSpan.FromMinutes(10), await EscalatesAtAsync(app));

        clock.SetUtcNow(Start + TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(async () => (await TimelineAsync(app, TimelineKinds.OnCallEscalated)).Count == 2, "the second escalation");
        Assert.Equal("zed did not accept within 5 min and nobody above level 2 is on call for checkout-api: zed stays commander",
            (await TimelineAsync(app, TimelineKinds.OnCallEscalated))[1].Text);
        var incident = (await app.Incidents.FindAsync(1))!;
        Assert.Equal("zed", incident.Roles[RoleCatalog.Commander]);
        Assert.True(incident.OnCall!.Exhausted);
        Assert.Null(await EscalatesAtAsync(app));
        // Zed can still accept; the card still offers it.
        Assert.Contains("accept", await CardButtonsAsync(app));
        Assert.False((await RunAsync(app, new Actor("zed"), "accept")).IsError);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(299)]
    public async Task AnEscalationAskedForBeforeItIsDueChangesNothing(int secondsIn)
    {
        var (app, clock) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);
        clock.SetUtcNow(Start + TimeSpan.FromSeconds(secondsIn));

        // What a replica that read the ask a moment ago, or a sweep on a clock running ahead, would ask for.
        var early = await app.Services.GetRequiredService<IncidentService>().EscalateOnCallAsync(1, TimeSpan.FromMinutes(5));

        Assert.Equal("No on-call escalation is due for INC-1.", early.Notice);
        Assert.Equal("ann", (await app.Incidents.FindAsync(1))!.Roles[RoleCatalog.Commander]);
        Assert.Empty(await TimelineAsync(app, TimelineKinds.OnCallEscalated));
    }

    [Fact]
    public async Task ACommanderAPersonSetStopsTheEscalation()
    {
        var (app, clock) = Launch(Start);
        await using var _ = app;
        await OpenAsync(app);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), await EscalatesAtAsync(app));

        Assert.True((await app.CommandAsync(1, "carol", "role commander")).Ok);
        Assert.Null(await EscalatesAtAsync(app));
        clock.SetUtcNow(Start + TimeSpan.FromMinutes(30));
        // Fired anyway (as a second replica might): nothing is due.
        var fired = await app.Services.GetRequiredService<IncidentService>().EscalateOnCallAsync(1, TimeSpan.FromMinutes(5));
        Assert.NotNull(fired.Notice);

        Assert.Equal("carol", (await app.Incidents.FindAsync(1))!.Roles[RoleCatalog.Commander]);
        Assert.Empty(await TimelineAsync(app, TimelineKinds.OnCallEscalated));
        Assert.DoesNotContain("accept", await CardButtonsAsync(app));
        var late = await RunAsync(app, new Actor("ann"), "accept");
        Assert.Equal("The on-call ask of INC-1 is over: @carol is commander now, set by a person. The incident's card shows what can be done now.", Said(late));
    }

    [Fact]
    public async Task ARestartMidWaitEscalatesOnTimeAndNeverAsksAgain()
    {
        var (first, _) = Launch(Start);
        await OpenAsync(first);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), await EscalatesAtAsync(first));
        await first.DisposeAsync();

        var (restarted, clock) = Launch(Start + TimeSpan.FromMinutes(3));
        await using var _ = restarted;
        Assert.Equal(Start + TimeSpan.FromMinutes(5), await EscalatesAtAsync(restarted));
        Assert.Equal("ann", (await restarted.Incidents.FindAsync(1))!.Roles[RoleCatalog.Commander]);
        clock.SetUtcNow(Start + TimeSpan.FromMinutes(5));

        await WaitForCommanderAsync(restarted, "zed");
        // A change after the restart (an alert, a note) does not make the restarted bot ask on-call again.
        await restarted.CommandAsync(1, "zed", "note looking");
        Assert.Equal(Start + TimeSpan.FromMinutes(10), await EscalatesAtAsync(restarted));
        await _directory.Received(1).LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>());
        Assert.Single(await TimelineAsync(restarted, TimelineKinds.OnCallEscalated));
    }

    [Fact]
    public async Task ADeclaredIncidentHasNothingToAcceptOrHandOff()
    {
        var (app, _) = Launch(Start);
        await using var _ = app;
        await app.CommandAsync(null, "bob", "declare Something odd sev2");

        var accept = await RunAsync(app, new Actor("bob"), "accept");
        var handOff = await RunAsync(app, new Actor("bob"), "handoff");

        Assert.Equal("On-call asked nobody to command INC-1, so there is nothing to accept. Take command with `role commander`.", Said(accept));
        Assert.Equal("On-call asked nobody to command INC-1, so there is nothing to hand off. Take command with `role commander`.", Said(handOff));
        Assert.DoesNotContain("accept", await CardButtonsAsync(app));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("02:00:01")]
    [InlineData("1.00:00:00")]
    public void AcceptWithinOutsideItsRangeIsRefused(string value)
    {
        var options = new OnCallOptions { AcceptWithin = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Contains(options.Problems(), p => p.StartsWith("OnCall:AcceptWithin must be more than 0 and at most 2 h", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("00:05:00")]
    [InlineData("02:00:00")]
    public void AcceptWithinInItsRangeIsFine(string value) =>
        Assert.Empty(new OnCallOptions { AcceptWithin = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) }.Problems());

    [Theory]
    [InlineData(30, "30 s")]
    [InlineData(90, "90 s")]
    [InlineData(300, "5 min")]
    [InlineData(3600, "1 h")]
    [InlineData(5400, "1 h 30 min")]
    public void TheWaitIsSaidAsPeopleSayIt(int seconds, string said) => Assert.Equal(said, OnCallAsk.Describe(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task AShorterAcceptWithinIsHonoured()
    {
        var (app, clock) = Launch(Start, acceptWithin: "00:01:30");
        await using var _ = app;
        await OpenAsync(app);

        await LetTheSweepLookAsync(clock, Start + TimeSpan.FromSeconds(89));
        Assert.Equal("ann", (await app.Incidents.FindAsync(1))!.Roles[RoleCatalog.Commander]);
        clock.SetUtcNow(Start + TimeSpan.FromSeconds(90));
        await WaitForCommanderAsync(app, "zed");
        Assert.Equal("ann did not accept within 90 s: asking level 2 of checkout-api, zed", Assert.Single(await TimelineAsync(app, TimelineKinds.OnCallEscalated)).Text);
    }
}
