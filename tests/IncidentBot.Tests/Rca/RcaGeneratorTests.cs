using IncidentBot.Incidents;
using IncidentBot.Rca;

namespace IncidentBot.Tests.Rca;

public class RcaGeneratorTests
{
    [Fact]
    public void Incident_spanning_midnight_dates_its_timeline()
    {
        var input = RcaScript.Input();
        input.Incident.CreatedAt = RcaScript.At(23, 50, day: 25);
        var timeline = input.Timeline.Prepend(RcaScript.Entry(RcaScript.At(23, 50, day: 25), "alertmanager", TimelineKinds.Opened, "Opened late")).ToList();

        var markdown = new RcaGenerator().Generate(input with { Timeline = timeline });

        Assert.Contains("| 2026-11-25 23:50 | alertmanager | opened | Opened late |", markdown);
        Assert.Contains("| 2026-11-26 04:05 | alice | resolved | Resolved by alice |", markdown);
        Assert.Contains("| Resolved | 2026-11-26 04:05 UTC | 4h 15m |", markdown);
    }

    [Fact]
    public void Display_zone_shifts_times_and_names_the_zone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Plus1", TimeSpan.FromHours(1), "Test/Plus1", "Test/Plus1");

        var markdown = new RcaGenerator().Generate(RcaScript.Input(zone));

        Assert.Contains("| Started | 2026-11-26 04:12 Test/Plus1 | — |", markdown);
        Assert.Contains("All times Test/Plus1.", markdown);
        Assert.Contains("| 05:05 | alice | resolved | Resolved by alice |", markdown);
    }

    [Fact]
    public void Custom_template_renders()
    {
        const string template = """
            Review of {{reference}} ({{severity}})
            {{#each actionItems}}
            - {{text}}: {{owner}}
            {{/each}}
            """;

        var markdown = new RcaGenerator(template).Generate(RcaScript.Input());

        Assert.Equal("""
            Review of INC-42 (SEV1)
            - Add a canary stage to checkout deploys: carol
            - Alert on checkout error rate per deploy: unassigned

            """, markdown);
    }

    [Fact]
    public void Declared_incident_without_alerts_or_runbooks_says_so()
    {
        var input = RcaScript.Input();
        input.Incident.RunbookSessions.Clear();

        var markdown = new RcaGenerator().Generate(input with { Alerts = [], Timeline = [] });

        Assert.Contains("No alert fired: the incident was declared by hand.", markdown);
        Assert.Contains("No roles were assigned.", markdown);
        Assert.Contains("No runbook was followed.", markdown);
        Assert.Contains("No status updates were posted.", markdown);
        Assert.Contains("- **Services:** checkout-api\n", markdown);
    }

    [Fact]
    public void Drill_is_labelled()
    {
        var input = RcaScript.Input();
        input.Incident.IsDrill = true;

        var markdown = new RcaGenerator().Generate(input);

        Assert.Contains("- **Kind:** Drill\n", markdown);
        Assert.Contains("> This was a drill", markdown);
    }
}
