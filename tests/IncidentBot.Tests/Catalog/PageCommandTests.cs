using IncidentBot.Chat.Commands;
using IncidentBot.Incidents;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// <c>page &lt;service&gt; [message]</c> through the whole bot: the page reaches the service's pager (a fake of each
/// vendor) with the incident's reference and link, twice for the same incident and service is still one page, every
/// page and every failure is on the incident's timeline, and a service that cannot be paged gets a refusal saying why
/// and what to configure. Keys never show up in a reply, the timeline or the log.
/// </summary>
public sealed class PageCommandTests : IDisposable
{
    private readonly CatalogFiles _files = new();

    public PageCommandTests()
    {
        _files.Write("catalog.yaml", CatalogFiles.Group("payments", annotations: "incidentbot.io/oncall: rota:payments")
            + "---\n" + CatalogFiles.Group("platform")
            + "---\n" + CatalogFiles.Rota("payments")
            + "---\n" + CatalogFiles.Component("checkout-api", annotations: "pagerduty.com/service-id: PSVC1")
            + "---\n" + CatalogFiles.Component("checkout-worker")
            + "---\n" + CatalogFiles.Component("orders-db", owner: "platform")
            + "---\n" + CatalogFiles.Component("search", owner: "platform", annotations: "incidentbot.io/oncall: pagerduty:schedule/PSCHED, opsgenie:schedule/search-primary")
            + "---\n" + CatalogFiles.Component("billing", owner: "platform", annotations: "opsgenie.com/team: billing-team")
            + "---\n" + CatalogFiles.Component("payroll", owner: "platform", annotations: "incidentbot.io/oncall: grafana-oncall:schedule/SBM7DV7BKFUYU")
            + "---\n" + CatalogFiles.Component("ledger", owner: "platform", annotations: "incidentbot.io/oncall: goalert:service/svc-1"));
    }

    public void Dispose() => _files.Dispose();

    private IncidentBotApplication Start(Dictionary<string, string?>? settings = null)
    {
        var all = settings ?? [];
        all["Catalog:Path"] = _files.Folder;
        all["WebConsole:PublicUrl"] = "https://incidents.example.com";
        return new IncidentBotApplication(all);
    }

    private static async Task<List<TimelineEntry>> PageNotesAsync(IncidentBotApplication app, int number) =>
        [.. (await app.Incidents.TimelineOfAsync(number)).Where(e => e.Kind == TimelineKinds.Note && e.Text.Contains("page", StringComparison.Ordinal))];

    [Theory]
    [InlineData("page checkout-api", "checkout-api", null, null)]
    [InlineData("PAGE checkout-api the database is on fire", "checkout-api", "the database is on fire", null)]
    [InlineData("/incident page component:default/orders-db  please look", "component:default/orders-db", "please look", null)]
    [InlineData("INC-3 page search", "search", null, 3)]
    public void PageIsAResponderCommandWithAServiceAndAMessage(string text, string service, string? message, int? incident)
    {
        var command = Assert.IsType<PageCommand>(CommandParser.Parse(text).Command);

        Assert.Equal(service, command.Service);
        Assert.Equal(message, command.Message);
        Assert.Equal(incident, command.IncidentNumber);
        Assert.Equal(IncidentBot.Access.AccessRole.Responder, command.Needs);
        Assert.False(command.NeedsIncident);
    }

    [Fact]
    public void PageWithoutAServiceSaysHow()
    {
        var parsed = CommandParser.Parse("page");

        Assert.Null(parsed.Command);
        Assert.Contains("Name the service to page, e.g. `page checkout-api`. Usage: `page <service> [message]`", parsed.Problem);
    }

    [Fact]
    public async Task HelpListsIt()
    {
        await using var app = Start();

        Assert.Contains("`page <service> [message]` — page the service's on-call through its pager", (await app.CommandAsync(null, "alice", "help")).AllText);
    }

    [Fact]
    public async Task InsideAnIncidentThePageCarriesTheIncidentAndPagingTwiceIsOnePage()
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        await using var app = Start(OnCallHarness.Settings(pagerDuty: pd));
        await app.CommandAsync(null, "bob", "declare Checkout is slow sev2");

        var first = await app.CommandAsync(1, "bob", "page checkout-api payments fail for everyone");
        var second = await app.CommandAsync(1, "carol", "page checkout-api");

        Assert.True(first.Ok, first.AllText);
        Assert.Contains("Paged the on-call of **checkout\\-api** through PagerDuty (`pagerduty:service/PSVC1`): PagerDuty incident \\#1 opened on service PSVC1.", first.AllText);
        Assert.Contains("dedup key `incidentbot-inc-1-checkout-api`", first.AllText);
        Assert.True(second.Ok, second.AllText);
        Assert.Contains("Already paged the on-call of **checkout\\-api** through PagerDuty", second.AllText);
        Assert.Contains("PagerDuty incident \\#1 is already open for this page", second.AllText);
        var incident = Assert.Single(pd.Incidents);
        Assert.Equal("[INC-1] checkout-api: payments fail for everyone", incident["title"]!.GetValue<string>());
        Assert.Equal("incidentbot-inc-1-checkout-api", incident["incident_key"]!.GetValue<string>());
        Assert.Equal(OnCallHarness.PagerDutyFrom, incident["from"]!.GetValue<string>());
        var details = incident["body"]!["details"]!.GetValue<string>();
        Assert.Contains("bob paged the on-call of checkout-api through IncidentBot.", details);
        Assert.Contains("Incident: INC-1 (SEV2) Checkout is slow", details);
        Assert.Contains("Link: https://incidents.example.com/", details);
        var notes = await PageNotesAsync(app, 1);
        Assert.Equal(["bob", "carol"], notes.Select(n => n.Actor));
        Assert.StartsWith("bob paged checkout-api's on-call through PagerDuty (pagerduty:service/PSVC1): PagerDuty incident #1 opened on service PSVC1 https://example.pagerduty.com/incidents/Q000001 (page Q000001, dedup key `incidentbot-inc-1-checkout-api`)", notes[0].Text);
        Assert.Contains("is already open for this page", notes[1].Text);
        Assert.DoesNotContain(pd.ApiKey, string.Join("\n", notes.Select(n => n.Text)) + first.AllText + second.AllText);
    }

    [Fact]
    public async Task AfterThePageIsResolvedTheNextPageIsANewOne()
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        await using var app = Start(OnCallHarness.Settings(pagerDuty: pd));
        await app.CommandAsync(null, "bob", "declare Checkout is slow sev2");
        await app.CommandAsync(1, "bob", "page checkout-api");
        pd.ResolveIncidents();

        var again = await app.CommandAsync(1, "bob", "page checkout-api");

        Assert.Contains("PagerDuty incident \\#2 opened", again.AllText);
        Assert.Equal(2, pd.Incidents.Count);
    }

    [Fact]
    public async Task OutsideAnIncidentEveryPageIsNewAndNothingIsOnATimeline()
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        await using var app = Start(OnCallHarness.Settings(pagerDuty: pd));

        var reply = await app.CommandAsync(null, "bob", "page checkout-api are you there?");

        Assert.True(reply.Ok, reply.AllText);
        Assert.Contains("Outside an incident every `page` is a new page.", reply.AllText);
        var incident = Assert.Single(pd.Incidents);
        Assert.Null(incident["incident_key"]);
        Assert.Equal("[checkout-api] are you there?", incident["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task EachPagerIsReachedForItsTarget()
    {
        await using var og = await FakeOpsgenie.StartAsync();
        await using var grafana = await FakeGrafanaOnCall.StartAsync();
        await using var goAlert = await FakeGoAlert.StartAsync();
        goAlert.Service("svc-1", ("u1", "Gina", 0));
        var settings = OnCallHarness.Settings(opsgenie: og, grafana: grafana, goAlert: goAlert);
        await using var app = Start(settings);
        await app.CommandAsync(null, "bob", "declare Everything is slow sev1");

        var search = await app.CommandAsync(1, "bob", "page search");
        var billing = await app.CommandAsync(1, "bob", "page billing");
        var payroll = await app.CommandAsync(1, "bob", "page payroll");
        var ledger = await app.CommandAsync(1, "bob", "page ledger");

        // search names a PagerDuty schedule first (PagerDuty is not configured here), then an Opsgenie schedule.
        Assert.Contains("through Opsgenie (`opsgenie:schedule/search-primary`): Opsgenie accepted the alert for schedule search\\-primary", search.AllText);
        Assert.Contains("through Opsgenie (`opsgenie:team/billing-team`)", billing.AllText);
        var alerts = og.Alerts;
        Assert.Equal(["schedule", "team"], alerts.Select(a => a["responders"]![0]!["type"]!.GetValue<string>()));
        Assert.Equal(["search-primary", "billing-team"], alerts.Select(a => a["responders"]![0]!["name"]!.GetValue<string>()));
        Assert.Equal(["incidentbot-inc-1-search", "incidentbot-inc-1-billing"], alerts.Select(a => a["alias"]!.GetValue<string>()));
        Assert.Contains("through Grafana OnCall (`grafana-oncall:schedule/SBM7DV7BKFUYU`): Grafana OnCall alert group I000000000001 opened, paging 2 on call", payroll.AllText);
        var page = Assert.Single(grafana.Pages);
        Assert.Equal(["U4DNY931HHJS5", "U6RV9WPSL6DFW"], page["users"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
        Assert.StartsWith("https://incidents.example.com/", page["source_url"]!.GetValue<string>());
        Assert.Contains("through GoAlert (`goalert:service/svc-1`): GoAlert alert \\#1", ledger.AllText);
        Assert.Equal("incidentbot-inc-1-ledger", Assert.Single(goAlert.Alerts).Dedup);
        Assert.Equal(4, (await PageNotesAsync(app, 1)).Count);
    }

    [Fact]
    public async Task PagingTwiceIsOnePageAtEveryPager()
    {
        await using var og = await FakeOpsgenie.StartAsync();
        await using var grafana = await FakeGrafanaOnCall.StartAsync();
        await using var goAlert = await FakeGoAlert.StartAsync();
        goAlert.Service("svc-1", ("u1", "Gina", 0));
        await using var app = Start(OnCallHarness.Settings(opsgenie: og, grafana: grafana, goAlert: goAlert));
        await app.CommandAsync(null, "bob", "declare Everything is slow sev1");

        foreach (var service in new[] { "billing", "payroll", "ledger" })
        {
            Assert.StartsWith("Paged", (await app.CommandAsync(1, "bob", $"page {service}")).AllText);
            var again = await app.CommandAsync(1, "carol", $"page {service}");
            Assert.True(again.Ok, again.AllText);
            Assert.StartsWith("Already paged", again.AllText);
        }

        Assert.Single(og.Alerts);
        Assert.Single(grafana.AlertGroups);
        Assert.Equal("I000000000001", grafana.Pages[1]["alert_group_id"]!.GetValue<string>());
        Assert.Single(goAlert.Alerts);
    }

    [Fact]
    public async Task AResolvedGrafanaAlertGroupGetsANewOne()
    {
        await using var grafana = await FakeGrafanaOnCall.StartAsync();
        await using var app = Start(OnCallHarness.Settings(grafana: grafana));
        await app.CommandAsync(null, "bob", "declare Payroll is down sev1");
        await app.CommandAsync(1, "bob", "page payroll");
        grafana.ResolveAlertGroups();

        var again = await app.CommandAsync(1, "bob", "page payroll");

        Assert.Contains("Grafana OnCall alert group I000000000002 opened", again.AllText);
        Assert.Equal(2, grafana.AlertGroups.Count);
    }

    [Theory]
    [InlineData("checkout-worker", "rota:payments: a rota has no pager")]
    [InlineData("search", "pagerduty:schedule/PSCHED: paging through PagerDuty needs OnCall:PagerDuty:ApiKey")]
    [InlineData("billing", "opsgenie:team/billing-team: paging through Opsgenie needs OnCall:Opsgenie:ApiKey")]
    [InlineData("payroll", "grafana-oncall:schedule/SBM7DV7BKFUYU: paging through Grafana OnCall needs OnCall:GrafanaOnCall:ApiKey")]
    [InlineData("ledger", "goalert:service/svc-1: paging through GoAlert needs OnCall:GoAlert:BaseUrl and OnCall:GoAlert:PageApiKey")]
    public async Task AServiceWithoutAConfiguredPagerIsRefusedSayingWhyAndWhatToConfigure(string service, string why)
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "bob", $"page {service}");

        Assert.False(reply.Ok);
        Assert.Contains("cannot be paged: none of its on-call targets has a pager configured.", reply.AllText);
        Assert.Contains(IncidentBot.Chat.MarkdownLiteral.Of(why, 300), reply.AllText);
        Assert.Contains($"`oncall {service}` says who is on call", reply.AllText);
    }

    [Fact]
    public async Task APagerDutyScheduleIsNotPagedAndTheReplySaysToNameAService()
    {
        await using var pd = await FakePagerDuty.StartAsync();
        await using var app = Start(OnCallHarness.Settings(pagerDuty: pd));

        var reply = await app.CommandAsync(null, "bob", "page search");

        Assert.False(reply.Ok);
        Assert.Contains("PagerDuty pages a service, not a schedule", reply.AllText);
        Assert.Contains(IncidentBot.Chat.MarkdownLiteral.Of("add `pagerduty.com/service-id`", 300), reply.AllText);
        Assert.Contains(IncidentBot.Chat.MarkdownLiteral.Of("opsgenie:schedule/search-primary: paging through Opsgenie needs OnCall:Opsgenie:ApiKey", 300), reply.AllText);
        Assert.Empty(pd.Calls);
    }

    [Fact]
    public async Task AServiceWithNoOnCallSaysWhatToAdd()
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "bob", "page orders-db");

        Assert.False(reply.Ok);
        Assert.Contains("has no on-call to page: neither it nor its owning group names one. Add `pagerduty.com/service-id`, `opsgenie.com/team` or `incidentbot.io/oncall`", reply.AllText);
    }

    [Theory]
    [InlineData("checkout", "`page checkout-api`, `page checkout-worker`")]
    [InlineData("ledgr", "`page ledger`")]
    [InlineData("PAYROL", "`page payroll`")]
    public async Task AnUnknownServiceGetsTheNearNamesAsPageCommands(string typed, string suggested)
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "bob", $"page {typed}");

        Assert.False(reply.Ok);
        Assert.Contains($"Did you mean {suggested}?", reply.AllText);
    }

    [Theory]
    [InlineData(403, "refused to page service PSVC1 (403)")]
    [InlineData(401, "refused the API key (401); check OnCall:PagerDuty:ApiKey")]
    [InlineData(500, "failed (500) while paging service PSVC1")]
    [InlineData(404, "does not know service PSVC1 (404)")]
    public async Task APagerFailureIsAFriendlyReplyAndOnTheTimeline(int status, string problem)
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        pd.FailWith(status);
        var settings = OnCallHarness.Settings(pagerDuty: pd);
        if (status == 401)
        {
            settings["OnCall:PagerDuty:ApiKey"] = "a-wrong-key-123";
        }
        await using var app = Start(settings);
        await app.CommandAsync(null, "bob", "declare Checkout is slow sev2");

        var reply = await app.CommandAsync(1, "bob", "page checkout-api");

        Assert.False(reply.Ok);
        Assert.Contains("Could not page the on-call of **checkout\\-api** through PagerDuty (`pagerduty:service/PSVC1`): ", reply.AllText);
        Assert.Contains(IncidentBot.Chat.MarkdownLiteral.Of(problem, 300), reply.AllText);
        var note = Assert.Single(await PageNotesAsync(app, 1));
        Assert.Equal("bob", note.Actor);
        Assert.StartsWith($"bob could not page checkout-api's on-call through PagerDuty (pagerduty:service/PSVC1): {problem}", note.Text);
        Assert.DoesNotContain("a-wrong-key-123", reply.AllText + note.Text);
        Assert.DoesNotContain(pd.ApiKey, reply.AllText + note.Text);
    }

    [Fact]
    public async Task APagerTooSlowToAnswerIsNamedAndPagingAgainIsSafe()
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        pd.Delay(TimeSpan.FromMinutes(1));
        var settings = OnCallHarness.Settings(pagerDuty: pd);
        settings["OnCall:Timeout"] = "00:00:00.300";
        await using var app = Start(settings);
        await app.CommandAsync(null, "bob", "declare Checkout is slow sev2");

        var reply = await app.CommandAsync(1, "bob", "page checkout-api");

        Assert.False(reply.Ok);
        Assert.Contains("did not answer within 0\\.3 s", reply.AllText);
        Assert.Contains("The page may still have gone out; `page` again is safe: the dedup key keeps it to one page.", reply.AllText);
        Assert.Contains("did not answer within 0.3 s", Assert.Single(await PageNotesAsync(app, 1)).Text);
    }

    public static TheoryData<string> Messages => new()
    {
        new string('x', 3_900),
        string.Join(" ", Enumerable.Repeat("word", 700)),
        "line one\nline two\r\nline three\tend",
        "bell\u0007 escape\u001b[31m red \u0085 next-line",
        "**bold** <b>html</b> <!channel> [x](https://evil.example)",
        "ünïcödé 日本語 🙂",
        // Emoji across both cuts, at either parity: a cut never leaves half a surrogate pair.
        string.Concat(Enumerable.Repeat("🙂", 1_050)),
        "a" + string.Concat(Enumerable.Repeat("🙂", 1_050)),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task WhatIsSentIsCutToTheLimitsAndCarriesNoControlCharacters(string message)
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        await using var app = Start(OnCallHarness.Settings(pagerDuty: pd));
        await app.CommandAsync(null, "bob", "declare Checkout is slow sev2");

        var reply = await app.CommandAsync(1, "bob", $"page checkout-api {message}");

        Assert.True(reply.Ok, reply.AllText);
        var incident = Assert.Single(pd.Incidents);
        var title = incident["title"]!.GetValue<string>();
        var details = incident["body"]!["details"]!.GetValue<string>();
        Assert.InRange(title.Length, 1, 120);
        Assert.InRange(details.Length, 1, 2_000);
        Assert.DoesNotContain(title, char.IsControl);
        Assert.DoesNotContain(details.Replace("\n", "", StringComparison.Ordinal), char.IsControl);
        // Half a surrogate pair is not text: it reaches the pager as U+FFFD, or not at all.
        Assert.True(IncidentBot.Storage.StorableText.IsStorable(title) && !title.Contains('\uFFFD'), "the title holds half a surrogate pair");
        Assert.True(IncidentBot.Storage.StorableText.IsStorable(details) && !details.Contains('\uFFFD'), "the details hold half a surrogate pair");
        Assert.StartsWith("[INC-1] checkout-api: ", title);
    }

    [Fact]
    public async Task ADrillNeverPagesRealPeople()
    {
        await using var pd = await FakePagerDuty.StartAsync();
        pd.Service("PSVC1", "PEP1");
        var settings = OnCallHarness.Settings(pagerDuty: pd);
        settings["Drills:Leads:0"] = "lena";
        await using var app = Start(settings);
        Assert.True((await app.CommandAsync(null, "lena", "drill run database-failover")).Ok);
        Assert.True((await app.Incidents.FindAsync(1))!.IsDrill);

        var reply = await app.CommandAsync(1, "lena", "page checkout-api");

        Assert.False(reply.Ok);
        Assert.Contains("INC-1 is a drill: `page` does not page real people in a drill.", reply.AllText);
        Assert.Empty(pd.Calls);
        Assert.Empty(await PageNotesAsync(app, 1));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("[x](https://evil.example)")]
    [InlineData("<!channel>")]
    public async Task AnUnknownServiceIsEchoedAsTextNeverAsMarkup(string typed)
    {
        await using var app = Start();

        var reply = await app.CommandAsync(null, "bob", $"page {typed}");

        Assert.False(reply.Ok);
        Assert.Contains("There is no service", reply.AllText);
        Assert.DoesNotContain(typed, reply.AllText);
    }
}
