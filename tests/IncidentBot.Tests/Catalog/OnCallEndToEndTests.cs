using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Incidents;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.OnCall;
using IncidentBot.Tests.OnCall.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// The whole bot, end to end: an alert comes in on the webhook, the incident opens, and its commander comes from the
/// on-call source the catalog names for the alert's service, over HTTP from that source's fake (PagerDuty, Opsgenie,
/// Grafana OnCall, GoAlert) or from a rota in the catalog. Then the fallback chain, one step at a time: a source that
/// times out gives its remembered answer (marked), a source that is down with nothing remembered gives way to the
/// owning group's rota, then to the fallback commander, then to nobody; every step's timeline note names the source
/// that failed. The commander is read back through the API, as the console reads it.
/// </summary>
public sealed class OnCallEndToEndTests : IDisposable
{
    private readonly CatalogFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>The clock the bot reads, moved forward by a test so a remembered answer is no longer fresh; timers stay real.</summary>
    private sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    private static readonly string Users = CatalogFiles.User("rita", "rita@example.com", memberOf: "[payments]")
        + "---\n" + CatalogFiles.User("fiona", "fiona@example.com", memberOf: "[analytics]")
        + "---\n" + CatalogFiles.User("olga", "olga@example.com", memberOf: "[payments]");

    public static TheoryData<string> Sources => ["pagerduty", "opsgenie", "grafana-oncall", "goalert", "rota"];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AnIncidentFromAnAlertGetsItsCommanderFromTheServicesSource(string source)
    {
        var now = DateTimeOffset.UtcNow;
        await using var fake = await StartFakeAsync(source, now);
        var (annotation, commander, note) = source switch
        {
            "pagerduty" => ("pagerduty.com/service-id: PSVC1", "alice", "alice (level 1, pagerduty) from pagerduty:service/PSVC1."),
            "opsgenie" => ("opsgenie.com/team: payments-team", "olga", "olga (level 1, opsgenie) from opsgenie:team/payments-team."),
            "grafana-oncall" => ("incidentbot.io/oncall: grafana-oncall:schedule/SBM7DV7BKFUYU", "public-api-demo-user-1", "public-api-demo-user-1 (level 1, grafana-oncall) from grafana-oncall:schedule/SBM7DV7BKFUYU."),
            "goalert" => ("incidentbot.io/oncall: goalert:service/svc-1", "Gina Goalert", "Gina Goalert (level 1, goalert) from goalert:service/svc-1."),
            _ => ("incidentbot.io/oncall: rota:payments", "rita", "rita (level 1, rota) from rota:payments."),
        };
        _files.Write("catalog.yaml", CatalogFiles.Group("payments") + "---\n" + Users
            + "---\n" + CatalogFiles.Component("checkout", annotations: annotation)
            + "---\n" + CatalogFiles.Rota("payments", members: "[rita@example.com]", start: "2026-01-05"));
        await using var app = Start(fake);

        await AlertAsync(app, "checkout", "k1");

        await Eventually.TrueAsync(async () => (await app.GetIncidentAsync(1)).Roles.GetValueOrDefault("commander") == commander, $"{commander} to be INC-1's commander from {source}");
        var timeline = (await app.GetIncidentAsync(1)).Timeline!;
        var onCall = Assert.Single(timeline, e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.Note);
        Assert.Equal($"On call for checkout: {note}", onCall.Text);
        Assert.Contains(timeline, e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.RoleAssigned && e.Text == $"Incident commander: {commander}");
        if (fake is not null)
        {
            Assert.NotEmpty(fake.Calls);
        }
    }

    [Fact]
    public async Task TheFallbackChainEndToEndNamesEachFailedSourceOnTheTimeline()
    {
        var now = DateTimeOffset.UtcNow;
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        pagerDuty.Service("PSVC1", "PEP1");
        pagerDuty.OnCall("PEP1", 1, "U1", "Alice", "alice@example.com", "PS1", now.AddHours(-1), now.AddHours(8));
        pagerDuty.Service("PDOWN", "PEPDOWN");
        pagerDuty.FailWith(500, call => call.Path.Contains("PDOWN", StringComparison.Ordinal) || call.Query["escalation_policy_ids[]"].Contains("PEPDOWN"));
        _files.Write("catalog.yaml",
            CatalogFiles.Group("payments", annotations: "incidentbot.io/oncall: rota:payments")
            + "---\n" + CatalogFiles.Group("analytics", annotations: "incidentbot.io/fallback-commander: fiona@example.com")
            + "---\n" + CatalogFiles.Group("archive-team")
            + "---\n" + Users
            + "---\n" + CatalogFiles.Rota("payments", members: "[rita@example.com]", start: "2026-01-05")
            + "---\n" + CatalogFiles.Component("checkout", annotations: "pagerduty.com/service-id: PSVC1")
            + "---\n" + CatalogFiles.Component("ledger", annotations: "pagerduty.com/service-id: PDOWN")
            + "---\n" + CatalogFiles.Component("reports", owner: "analytics", annotations: "pagerduty.com/service-id: PDOWN")
            + "---\n" + CatalogFiles.Component("archive", owner: "archive-team", annotations: "pagerduty.com/service-id: PDOWN"));
        var clock = new MovableClock();
        await using var app = Start(pagerDuty, clock);

        // PagerDuty answers; the answer is remembered.
        await AlertAsync(app, "checkout", "k1");
        Assert.Equal("On call for checkout: alice (level 1, pagerduty) from pagerduty:service/PSVC1.", await app.OnCallNoteAsync(1));

        // Six minutes on the answer is no longer fresh, and PagerDuty stops answering in time: the remembered answer serves, marked.
        clock.Offset = TimeSpan.FromMinutes(6);
        pagerDuty.Delay(TimeSpan.FromMinutes(1));
        await AlertAsync(app, "checkout", "k2");
        Assert.Equal(
            "On call for checkout: alice (level 1, pagerduty) from pagerduty:service/PSVC1 (remembered answer). pagerduty:service/PSVC1: did not answer within 2 s; asked pagerduty:service/PSVC1.",
            await app.OnCallNoteAsync(2));
        Assert.Equal("alice", (await app.GetIncidentAsync(2)).Roles["commander"]);
        pagerDuty.Heal();
        pagerDuty.FailWith(500, call => call.Path.Contains("PDOWN", StringComparison.Ordinal));

        // PagerDuty is down for a service it never answered for: the owning group's rota.
        await AlertAsync(app, "ledger", "k3");
        Assert.Equal(
            "On call for ledger: rita (level 1, rota) from rota:payments. pagerduty:service/PDOWN: answered 500 for service PDOWN; asked rota:payments.",
            await app.OnCallNoteAsync(3));
        Assert.Equal("rita", (await app.GetIncidentAsync(3)).Roles["commander"]);

        // The owning group names no target, only a fallback commander.
        await AlertAsync(app, "reports", "k4");
        Assert.Equal(
            "On call for reports: fiona (level 1, fallback) from fallback. pagerduty:service/PDOWN: answered 500 for service PDOWN; asked fallback.",
            await app.OnCallNoteAsync(4));
        Assert.Equal("fiona", (await app.GetIncidentAsync(4)).Roles["commander"]);

        // Nothing left: an alert has no reporter, so nobody is made commander, and the note says why.
        await AlertAsync(app, "archive", "k5");
        Assert.Equal(
            "On call for archive: nobody found, so no commander was set. pagerduty:service/PDOWN: answered 500 for service PDOWN; asked none.",
            await app.OnCallNoteAsync(5));
        Assert.False((await app.GetIncidentAsync(5)).Roles.ContainsKey("commander"));
    }

    private IncidentBotApplication Start(FakeOnCallApi? fake, TimeProvider? clock = null)
    {
        var settings = fake is null ? [] : OnCallVendorSettings(fake);
        settings["Catalog:Path"] = _files.Folder;
        return new IncidentBotApplication(settings, clock is null ? null : s => s.AddSingleton(clock));
    }

    private static Dictionary<string, string?> OnCallVendorSettings(FakeOnCallApi fake) => fake switch
    {
        FakePagerDuty pd => OnCallHarness.Settings(pagerDuty: pd),
        FakeOpsgenie og => OnCallHarness.Settings(opsgenie: og),
        FakeGrafanaOnCall grafana => OnCallHarness.Settings(grafana: grafana),
        FakeGoAlert goAlert => OnCallHarness.Settings(goAlert: goAlert),
        _ => throw new ArgumentException("not an on-call fake", nameof(fake)),
    };

    /// <summary>The source's fake with one person on call for the target the catalog names; none for the rota.</summary>
    private static async Task<FakeOnCallApi?> StartFakeAsync(string source, DateTimeOffset now)
    {
        switch (source)
        {
            case "pagerduty":
                var pd = await FakePagerDuty.StartAsync();
                pd.Service("PSVC1", "PEP1");
                pd.OnCall("PEP1", 1, "U1", "Alice", "alice@example.com", "PS1", now.AddHours(-1), now.AddHours(8));
                pd.OnCall("PEP1", 2, "U2", "Bert", "bert@example.com", "PS2", now.AddHours(-1), now.AddHours(8));
                return pd;
            case "opsgenie":
                var og = await FakeOpsgenie.StartAsync();
                og.TeamSchedule("payments-team", Guid.NewGuid().ToString(), "payments-primary", [FakeOpsgenie.User("olga@example.com")]);
                og.TeamSchedule("other-team", Guid.NewGuid().ToString(), "other", [FakeOpsgenie.User("oscar@example.com")]);
                return og;
            case "grafana-oncall":
                var grafana = await FakeGrafanaOnCall.StartAsync();
                grafana.OnCallNow("SBM7DV7BKFUYU", "U4DNY931HHJS5");
                return grafana;
            case "goalert":
                var goAlert = await FakeGoAlert.StartAsync();
                goAlert.Service("svc-1", ("u1", "Gina Goalert", 0), ("u2", "Gus Second", 1));
                return goAlert;
            default:
                return null;
        }
    }

    private static async Task AlertAsync(IncidentBotApplication app, string service, string key)
    {
        var body = new JsonObject { ["title"] = $"{service} errors", ["dedupKey"] = key, ["severity"] = "critical", ["labels"] = new JsonObject { ["service"] = service } };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        (await app.CreateClient().PostAsync("/webhooks/generic", content)).EnsureSuccessStatusCode();
    }
}
