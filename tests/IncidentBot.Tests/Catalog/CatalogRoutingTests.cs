using IncidentBot.Catalog;
using IncidentBot.OnCall;

namespace IncidentBot.Tests.Catalog;

/// <summary>The annotations a Component or Group carries, read into targets, chat handles, runbooks, a fallback and a selector.</summary>
public sealed class CatalogRoutingTests
{
    [Theory]
    [InlineData("pagerduty:escalation-policy/PABC123", "pagerduty", "escalation-policy", "PABC123")]
    [InlineData("pagerduty:schedule/P1ABC2D", "pagerduty", "schedule", "P1ABC2D")]
    [InlineData("pagerduty:service/P6V1UFE", "pagerduty", "service", "P6V1UFE")]
    [InlineData("opsgenie:schedule/ops_team_schedule", "opsgenie", "schedule", "ops_team_schedule")]
    [InlineData("grafana-oncall:schedule/SBM7DV7BKFUYU", "grafana-oncall", "schedule", "SBM7DV7BKFUYU")]
    [InlineData("goalert:service/8f1e2b74-3c0a-4f52-9a55-0c6e1f2d3b4a", "goalert", "service", "8f1e2b74-3c0a-4f52-9a55-0c6e1f2d3b4a")]
    [InlineData("rota:payments", "rota", "", "payments")]
    [InlineData(" PagerDuty : Schedule / P1 ", "pagerduty", "schedule", "P1")]
    public void OnCallTargetsAreRead(string text, string source, string kind, string id)
    {
        Assert.True(OnCallTargetText.TryParse(text, out var target, out var problem), problem);
        Assert.Equal(new OnCallTarget(source, kind, id), target);
        Assert.Equal(kind.Length == 0 ? $"{source}:{id}" : $"{source}:{kind}/{id}", target.ToString());
    }

    [Theory]
    [InlineData("PABC123", "names no on-call source")]
    [InlineData("victorops:schedule/x", "names no on-call source")]
    [InlineData("pagerduty:PABC123", "`pagerduty:escalation-policy/<id>`")]
    [InlineData("pagerduty:team/PABC123", "`pagerduty:schedule/<id>`")]
    [InlineData("opsgenie:escalation/ops", "`opsgenie:schedule/<id>`")]
    [InlineData("grafana-oncall:service/S1", "`grafana-oncall:schedule/<id>`")]
    [InlineData("goalert:schedule/x", "`goalert:service/<id>`")]
    [InlineData("pagerduty:schedule/", "the id must be")]
    [InlineData("rota:", "the id must be")]
    [InlineData("rota:pay ments", "the id must be")]
    [InlineData("rota:<script>", "the id must be")]
    [InlineData("pagerduty:schedule/P1/../../admin", "the id must be")]
    public void BadTargetsSayWhatIsExpected(string text, string expected)
    {
        Assert.False(OnCallTargetText.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void EveryAnnotationIsReadAndTargetsKeepTheirOrder()
    {
        var problems = new List<string>();
        var routing = CatalogRouting.Read(new Dictionary<string, string>
        {
            ["incidentbot.io/oncall"] = "rota:payments, pagerduty:escalation-policy/PABC123",
            ["pagerduty.com/service-id"] = "P6V1UFE",
            ["opsgenie.com/team"] = "payments",
            ["incidentbot.io/slack-usergroup"] = "S0614TZR7",
            ["incidentbot.io/teams-team"] = "5f2c1a9e-7d4b-4c3a-9e1f-2b6d8a0c4e71",
            ["incidentbot.io/runbooks"] = "deploy-error-spike, third-party-outage",
            ["incidentbot.io/fallback-commander"] = "lead@example.com",
            ["incidentbot.io/alert-selector"] = "service=checkout,team=payments",
            ["backstage.io/techdocs-ref"] = "dir:.",
        }, (key, message) => problems.Add($"{key} {message}"));

        Assert.Empty(problems);
        Assert.Equal(["rota:payments", "pagerduty:escalation-policy/PABC123", "pagerduty:service/P6V1UFE", "opsgenie:team/payments"], routing.OnCallTargets.Select(t => t.ToString()));
        Assert.Equal("S0614TZR7", routing.SlackUsergroupId);
        Assert.Equal("5f2c1a9e-7d4b-4c3a-9e1f-2b6d8a0c4e71", routing.TeamsTeamId);
        Assert.Equal(["deploy-error-spike", "third-party-outage"], routing.RunbookIds);
        Assert.Equal("lead@example.com", routing.FallbackCommanderEmail);
        Assert.Equal(2, routing.Selector!.Matchers.Count);
    }

    [Theory]
    [InlineData("incidentbot.io/oncall", "")]
    [InlineData("incidentbot.io/oncall", "schedule P1")]
    [InlineData("incidentbot.io/oncall", "rota:ok, nonsense")]
    [InlineData("pagerduty.com/service-id", "P6V 1UFE")]
    [InlineData("pagerduty.com/service-id", "")]
    [InlineData("opsgenie.com/team", "pay ments")]
    [InlineData("incidentbot.io/slack-usergroup", "Payments On Call")]
    [InlineData("incidentbot.io/slack-usergroup", "<!subteam^S0614TZR7>")]
    [InlineData("incidentbot.io/teams-team", "Payments")]
    [InlineData("incidentbot.io/teams-team", "19:abc@thread.tacv2")]
    [InlineData("incidentbot.io/runbooks", "Deploy Error Spike")]
    [InlineData("incidentbot.io/runbooks", "ok-one, ../etc/passwd")]
    [InlineData("incidentbot.io/fallback-commander", "lead")]
    [InlineData("incidentbot.io/fallback-commander", "Lead <lead@example.com>")]
    [InlineData("incidentbot.io/fallback-commander", "a@example.com, b@example.com")]
    [InlineData("incidentbot.io/fallback-commander", "lead@localhost")]
    [InlineData("incidentbot.io/fallback-commander", "<script>@example.com")]
    [InlineData("incidentbot.io/alert-selector", "checkout")]
    [InlineData("incidentbot.io/alert-selector", "")]
    public void BadAnnotationValuesAreProblemsNamingTheirKeyAndAreLeftOut(string key, string value)
    {
        var problems = new List<string>();

        var routing = CatalogRouting.Read(new Dictionary<string, string> { [key] = value }, (k, message) => problems.Add($"{k} {message}"));

        Assert.Contains(problems, p => p.StartsWith(key + " ", StringComparison.Ordinal));
        Assert.True(routing.SlackUsergroupId is null && routing.TeamsTeamId is null && routing.FallbackCommanderEmail is null && routing.Selector is null);
        Assert.DoesNotContain(routing.OnCallTargets, t => t.Id.Contains(' ') || t.Id.Contains('/'));
        Assert.DoesNotContain(routing.RunbookIds, id => id.Contains('/') || id.Contains(' '));
    }

    [Theory]
    [InlineData("jdoe@example.com", true)]
    [InlineData("jenny-doe@example.com", true)]
    [InlineData("first.last+oncall@sub.example.co.uk", true)]
    [InlineData("jdoe", false)]
    [InlineData("jdoe@", false)]
    [InlineData("@example.com", false)]
    [InlineData("jdoe@example", false)]
    [InlineData("j doe@example.com", false)]
    [InlineData("Jenny <jdoe@example.com>", false)]
    [InlineData("jdoe@example.com\n", false)]
    [InlineData("\"quoted\"@example.com", false)]
    public void EmailsAreOneBareAddress(string email, bool valid) => Assert.Equal(valid, CatalogRouting.IsEmail(email));
}
