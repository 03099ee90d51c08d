using IncidentBot.Alerts;
using IncidentBot.Chat;
using IncidentBot.Incidents;

namespace IncidentBot.Tests.Chat;

/// <summary>
/// A storm's waiting alerts are kept as what their summary will say (<see cref="AlertStormTally"/>), not whole: the
/// summary reads the same as one made from the alerts themselves, an alert seen again counts once, and what is kept
/// of a listed alert is its title and shown labels only.
/// </summary>
public sealed class AlertStormTallyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);
    private static readonly AlertDetailOptions Defaults = new();

    private static IncidentAlert Alert(int i, AlertStatus status = AlertStatus.Firing, Dictionary<string, string>? labels = null)
    {
        var alert = AlertDetailsTests.Stored($"f{i}", labels ?? new() { ["alertname"] = "NodeDown", ["job"] = "node", ["instance"] = $"host-{i:000}:9100", ["pod"] = $"pod-{i}" }, status);
        alert.StartsAt = Now.AddSeconds(i);
        alert.Raw = new string('x', 4000);
        alert.Annotations["description"] = new string('y', 2000);
        return alert;
    }

    private static Incident Incident(int firing, int total) => new() { Number = 1, Title = "Title", Severity = Severity.Sev2, CreatedAt = Now, FiringAlertCount = firing, AlertCount = total };

    /// <summary>Every block's text, so two summaries can be compared as a person reads them.</summary>
    private static List<string> Said(ChatMessage message) => message.Blocks.Select(b => b switch
    {
        TextBlock t => t.Markdown,
        PlainTextBlock p => p.Text,
        FieldsBlock f => string.Join(" | ", f.Fields.Select(x => $"{x.Label}: {x.Value}")),
        _ => b.GetType().Name,
    }).ToList();

    public static TheoryData<int, int> Storms => new()
    {
        { 1, 0 }, { 0, 1 }, { 2, 0 }, { 5, 3 }, { 20, 0 }, { 21, 4 }, { 37, 1 }, { 0, 30 }, { 300, 200 },
    };

    [Theory]
    [MemberData(nameof(Storms))]
    public void ATallyIsSummarisedAsTheAlertsThemselvesWouldBe(int firing, int resolved)
    {
        var alerts = Enumerable.Range(1, firing).Select(i => Alert(i))
            .Concat(Enumerable.Range(firing + 1, resolved).Select(i => Alert(i, AlertStatus.Resolved))).ToList();
        var tally = new AlertStormTally(Defaults);
        // Arriving mixed, as a storm's batches do: the summary still lists the firing ones first.
        foreach (var alert in alerts.OrderBy(a => int.Parse(a.Fingerprint[1..], System.Globalization.CultureInfo.InvariantCulture) % 7).ThenBy(a => a.StartsAt))
        {
            tally.Add(alert);
        }
        var incident = Incident(firing, firing + resolved + 1);

        var fromTally = Said(IncidentMessages.AlertStorm(incident, tally, Defaults));

        Assert.Equal(firing, tally.FiringCount);
        Assert.Equal(resolved, tally.ResolvedCount);
        var listed = fromTally[^1].Split('\n');
        Assert.Equal(Math.Min(firing + resolved, Defaults.MaxListedAlerts) + (firing + resolved > Defaults.MaxListedAlerts ? 1 : 0), listed.Length);
        Assert.Equal(Math.Min(firing, Defaults.MaxListedAlerts), listed.Count(l => l.StartsWith("firing · ", StringComparison.Ordinal)));
        Assert.True(listed.TakeWhile(l => l.StartsWith("firing", StringComparison.Ordinal)).Count() == Math.Min(firing, Defaults.MaxListedAlerts), "firing alerts are listed first");
        if (firing + resolved >= 2)
        {
            Assert.Contains($"instance: {firing + resolved} values: ", fromTally[1]);
            Assert.Contains($"pod: {firing + resolved} values: ", fromTally[1]);
            Assert.DoesNotContain("job:", fromTally[1]);
        }
        if (firing > 0)
        {
            Assert.Contains($"First seen: {IncidentMessages.Time(Now.AddSeconds(1), seconds: true)}", fromTally[1]);
            Assert.Contains($"Last seen: {IncidentMessages.Time(Now.AddSeconds(firing), seconds: true)}", fromTally[1]);
        }
        // In order of arrival, the summary is the one the alerts themselves make.
        var inOrder = new AlertStormTally(Defaults);
        alerts.ForEach(inOrder.Add);
        Assert.Equal(Said(IncidentMessages.AlertStorm(incident, alerts.Where(a => a.Status == AlertStatus.Firing).ToList(), alerts.Where(a => a.Status == AlertStatus.Resolved).ToList(), Defaults)),
            Said(IncidentMessages.AlertStorm(incident, inOrder, Defaults)));
    }

    [Fact]
    public void AnAlertSeenAgainCountsOnceWithItsLatestStatus()
    {
        var tally = new AlertStormTally(Defaults);
        tally.Add(Alert(1));
        tally.Add(Alert(2));
        tally.Add(Alert(1, AlertStatus.Resolved));
        tally.Add(Alert(1, AlertStatus.Resolved));

        Assert.Equal((1, 1, 2), (tally.FiringCount, tally.ResolvedCount, tally.Count));
        Assert.Equal(["firing · NodeDown · instance=host-002:9100, job=node", "resolved · NodeDown · instance=host-001:9100, job=node"],
            Said(IncidentMessages.AlertStorm(Incident(1, 2), tally, Defaults))[^1].Split('\n'));
        Assert.Equal(["instance", "pod"], tally.LabelNames.Where(n => tally.ValuesOf(n).Values.Count == 2));
    }

    [Fact]
    public void ALabelMissingOnSomeAlertsIsShownAsDiffering()
    {
        var tally = new AlertStormTally(Defaults);
        tally.Add(Alert(1, labels: new() { ["alertname"] = "A", ["zone"] = "eu-1" }));
        tally.Add(Alert(2, labels: new() { ["alertname"] = "A" }));

        Assert.Contains("zone: 1 value: eu-1 (missing on some)", Said(IncidentMessages.AlertStorm(Incident(2, 3), tally, Defaults))[1]);
    }

    [Fact]
    public void BeyondItsLimitATallyKeepsOnlyCounts()
    {
        var tally = new AlertStormTally(Defaults);
        for (var i = 1; i <= AlertStormTally.MaxAlerts + 30; i++)
        {
            tally.Add(Alert(i, i % 3 == 0 ? AlertStatus.Resolved : AlertStatus.Firing));
        }

        Assert.Equal(AlertStormTally.MaxAlerts, tally.Count);
        Assert.Equal(AlertStormTally.MaxAlerts + 30, tally.FiringCount + tally.ResolvedCount);
        Assert.Equal(AlertStormTally.MaxAlerts, tally.ValuesOf("instance").Values.Count);
        var said = Said(IncidentMessages.AlertStorm(Incident(1, 1), tally, Defaults));
        Assert.StartsWith($"INC-1: **{tally.FiringCount} more alerts** firing, **{tally.ResolvedCount}** resolved", said[0]);
        Assert.EndsWith($"… and {AlertStormTally.MaxAlerts + 30 - Defaults.MaxListedAlerts} more (the console's alert list has them all)", said[^1]);
    }

    [Fact]
    public void ListedAlertsKeepTheirTitleAndShownLabelsOnly()
    {
        var tally = new AlertStormTally(Defaults);
        var alert = Alert(1);
        tally.Add(alert);

        var kept = Assert.Single(tally.Listed);
        Assert.Equal("", kept.Raw);
        Assert.Empty(kept.Annotations);
        Assert.Null(kept.Description);
        Assert.Equal(Defaults.ShownLabels.Where(alert.Labels.ContainsKey).Order(), kept.Labels.Keys.Order());
        Assert.DoesNotContain("pod", kept.Labels.Keys);
    }

    [Fact]
    public void ACopyGoesOnWithoutTheOriginal()
    {
        var tally = new AlertStormTally(Defaults);
        tally.Add(Alert(1));
        var copy = tally.Copy();
        copy.Add(Alert(2));
        copy.Add(Alert(1, AlertStatus.Resolved));

        Assert.Equal((1, 0, 1), (tally.FiringCount, tally.ResolvedCount, tally.ValuesOf("instance").Values.Count));
        Assert.Equal((1, 1, 2), (copy.FiringCount, copy.ResolvedCount, copy.ValuesOf("instance").Values.Count));
        Assert.Equal(AlertStatus.Firing, Assert.Single(tally.Listed).Status);
    }
}
