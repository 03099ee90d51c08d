using IncidentBot.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// Each pager against its vendor's fake, as the bot registers it: a page opens one thing at the vendor, the same dedup
/// key reaches the same thing again, and every way a vendor fails (refused key, refused page, server error, rate
/// limit, no answer in time, no server at all) is an <see cref="OnCallSourceException"/> whose problem says what went
/// wrong, with the API key in neither the problem nor the log.
/// </summary>
public sealed class PagerTests
{
    public static TheoryData<string> Pagers => ["pagerduty", "opsgenie", "grafana-oncall", "goalert"];

    private static readonly Dictionary<string, OnCallTarget> Targets = new()
    {
        ["pagerduty"] = new("pagerduty", "service", "PSVC1"),
        ["opsgenie"] = new("opsgenie", "schedule", "ops"),
        ["grafana-oncall"] = new("grafana-oncall", "schedule", "SBM7DV7BKFUYU"),
        ["goalert"] = new("goalert", "service", "svc-1"),
    };

    private static async Task<FakeOnCallApi> StartAsync(string pager)
    {
        var fake = await OnCallVendor.Named(pager).StartAsync();
        if (fake is FakePagerDuty pd)
        {
            pd.Service("PSVC1", "PEP1");
        }
        return fake;
    }

    private static PageRequest Request(string pager, string? key = "incidentbot-inc-7-checkout", string? previous = null) =>
        new(Targets[pager], "checkout", "[INC-7] checkout: errors", "bob paged the on-call of checkout through IncidentBot.", key, "INC-7", "https://incidents.example.com/#/incidents/7", previous);

    [Theory]
    [MemberData(nameof(Pagers))]
    public async Task APageOpensOneThingAndTheSameKeyReachesItAgain(string pager)
    {
        await using var fake = await StartAsync(pager);
        using var harness = OnCallHarness.Create(OnCallVendor.Named(pager).Settings(fake));
        var subject = harness.Pager(pager);

        Assert.Null(subject.CannotPage(Targets[pager]));
        var first = await subject.PageAsync(Request(pager), CancellationToken.None);
        var second = await subject.PageAsync(Request(pager, previous: first.Reference), CancellationToken.None);

        Assert.False(first.Duplicate);
        Assert.NotEqual("?", first.Reference);
        // GoAlert answers the open alert with the same dedup key; the bot sees it is the same by its id.
        Assert.True(second.Duplicate || second.Reference == first.Reference, second.Summary);
        var created = fake switch
        {
            FakePagerDuty pd => pd.Incidents.Count,
            FakeOpsgenie og => og.Alerts.Count,
            FakeGrafanaOnCall grafana => grafana.AlertGroups.Count,
            FakeGoAlert goAlert => goAlert.Alerts.Count,
            _ => -1,
        };
        Assert.Equal(1, created);
    }

    [Theory]
    [MemberData(nameof(Pagers))]
    public async Task WithoutADedupKeyEveryPageIsNew(string pager)
    {
        await using var fake = await StartAsync(pager);
        using var harness = OnCallHarness.Create(OnCallVendor.Named(pager).Settings(fake));

        var first = await harness.Pager(pager).PageAsync(Request(pager, key: null), CancellationToken.None);
        var second = await harness.Pager(pager).PageAsync(Request(pager, key: null) with { Title = "[checkout] again" }, CancellationToken.None);

        Assert.False(first.Duplicate);
        Assert.False(second.Duplicate);
        if (pager != "opsgenie")
        {
            // Opsgenie's answer names the request, different each time; the others name what they opened.
            Assert.NotEqual(first.Reference, second.Reference);
        }
    }

    public static TheoryData<string, string> Faults()
    {
        var data = new TheoryData<string, string>();
        foreach (var pager in new[] { "pagerduty", "opsgenie", "grafana-oncall", "goalert" })
        {
            foreach (var fault in new[] { "wrong-key", "403", "500", "429", "slow", "unreachable" })
            {
                data.Add(pager, fault);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task AFailingPagerSaysWhyAndNeverShowsItsKey(string pager, string fault)
    {
        var fake = await StartAsync(pager);
        var settings = OnCallVendor.Named(pager).Settings(fake);
        // Short only where the pager is meant to be slow: a 0.3 s budget for the others failed a cold first request in CI.
        settings["OnCall:Timeout"] = fault == "slow" ? "00:00:00.300" : "00:00:10";
        var key = fake.ApiKey;
        if (pager == "goalert")
        {
            key = settings["OnCall:GoAlert:PageApiKey"]!;
        }
        var expected = fault switch
        {
            "wrong-key" => "refused the API key (401)",
            "403" => "(403)",
            "500" => "failed (500)",
            "429" => "rate limited (429); try again in 30 s",
            "slow" => "did not answer within 0.3 s",
            _ => "could not be reached",
        };
        switch (fault)
        {
            case "wrong-key":
                settings[pager == "goalert" ? "OnCall:GoAlert:PageApiKey" : $"OnCall:{SectionOf(pager)}:ApiKey"] = key = "not-the-key-4711";
                break;
            case "403" or "500":
                fake.FailWith(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "429":
                fake.Throttle(retryAfterSeconds: 30, count: 5);
                break;
            case "slow":
                fake.Delay(TimeSpan.FromMinutes(1));
                break;
        }
        if (fault == "unreachable")
        {
            await fake.DisposeAsync();
        }
        using var harness = OnCallHarness.Create(settings);

        var failed = await Assert.ThrowsAsync<OnCallSourceException>(() => harness.Pager(pager).PageAsync(Request(pager), CancellationToken.None));

        Assert.Equal(pager, failed.SourceName);
        Assert.Contains(expected, failed.Problem);
        Assert.DoesNotContain(key, failed.Message);
        Assert.DoesNotContain(key, harness.AllLogText);
        if (fault == "429")
        {
            Assert.Equal(TimeSpan.FromSeconds(30), failed.RetryAfter);
        }
        if (fault != "unreachable")
        {
            await fake.DisposeAsync();
        }
    }

    [Fact]
    public async Task PagerDutyPagesAnEscalationPolicyThroughItsServiceWithTheFromHeader()
    {
        await using var pd = (FakePagerDuty)await StartAsync("pagerduty");
        using var harness = OnCallHarness.Create(OnCallHarness.Settings(pagerDuty: pd));

        var answer = await harness.Pager("pagerduty").PageAsync(Request("pagerduty") with { Target = new("pagerduty", "escalation-policy", "PEP1") }, CancellationToken.None);

        var incident = Assert.Single(pd.Incidents);
        Assert.Equal("PSVC1", incident["service"]!["id"]!.GetValue<string>());
        Assert.Equal("PEP1", incident["escalation_policy"]!["id"]!.GetValue<string>());
        Assert.Equal(OnCallHarness.PagerDutyFrom, incident["from"]!.GetValue<string>());
        Assert.Equal("https://example.pagerduty.com/incidents/Q000001", answer.Link);
        Assert.Equal("/escalation_policies/PEP1", pd.Calls[0].Path);
    }

    [Theory]
    [InlineData("pagerduty", "schedule", "PagerDuty pages a service, not a schedule")]
    [InlineData("opsgenie", "escalation", "Opsgenie pages a schedule or a team, not a escalation")]
    [InlineData("grafana-oncall", "team", "Grafana OnCall pages a schedule's people, not a team")]
    [InlineData("goalert", "schedule", "GoAlert pages a service, not a schedule")]
    public async Task AKindAPagerCannotPageIsSaidBeforeAnythingIsSent(string pager, string kind, string why)
    {
        await using var fake = await StartAsync(pager);
        using var harness = OnCallHarness.Create(OnCallVendor.Named(pager).Settings(fake));

        Assert.StartsWith(why, harness.Pager(pager).CannotPage(new OnCallTarget(pager, kind, "X1")));
    }

    [Theory]
    [InlineData("OnCall:PagerDuty:From", "pagerduty")]
    [InlineData("OnCall:GoAlert:PageApiKey", "goalert")]
    public async Task APagerMissingItsOwnSettingSaysWhichOne(string setting, string pager)
    {
        await using var fake = await StartAsync(pager);
        var settings = OnCallVendor.Named(pager).Settings(fake);
        settings.Remove(setting);
        using var harness = OnCallHarness.Create(settings);

        Assert.Contains(setting, harness.Pager(pager).CannotPage(Targets[pager]));
    }

    [Fact]
    public void TheFromAddressIsValidatedAtStartUp()
    {
        foreach (var bad in new[] { "not an e-mail", "a@b", "bot@exämple.com", "a@example.com, b@example.com" })
        {
            var options = new OnCallOptions { PagerDuty = { ApiKey = "k", From = bad } };
            Assert.Contains("OnCall:PagerDuty:From must be one e-mail address, a PagerDuty user's, e.g. oncall-bot@example.com.", options.Problems());
        }
        Assert.Empty(new OnCallOptions { PagerDuty = { ApiKey = "k", From = "oncall-bot@example.com" } }.Problems());
    }

    private static string SectionOf(string pager) => pager switch
    {
        "pagerduty" => "PagerDuty",
        "opsgenie" => "Opsgenie",
        _ => "GrafanaOnCall",
    };
}
