using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Slack.Messages;
using IncidentBot.Teams.Messages;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams;
using IncidentBot.WebConsole;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Chat;

/// <summary>
/// The opening message carries the first alert's own words (description, the labels that matter, annotations, every
/// link, Alertmanager's silence link), and later alerts of a storm are summarised: the same content in Block Kit,
/// an Adaptive Card valid by the 1.5 schema, and console HTML.
/// </summary>
public sealed class AlertDetailsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);
    private static readonly AlertDetailOptions Defaults = new();

    /// <summary>A published payload of each source and what its first alert must show.</summary>
    public static TheoryData<string, string> SourceFixtures() => new()
    {
        { "alertmanager", "alerts/alertmanager/firing-two-alerts.json" },
        { "alertmanager", "alerts/alertmanager/resolved-k8s-deployment.json" },
        { "grafana", "alerts/grafana/firing-two-alerts-docs.json" },
        { "grafana", "alerts/grafana/mixed-firing-and-resolved.json" },
        { "pagerduty", "alerts/pagerduty/webhook-v3-incident-triggered.json" },
        { "opsgenie", "alerts/opsgenie/webhook-create.json" },
        { "opsgenie", "alerts/opsgenie/webhook-create-docs.json" },
        { "datadog", "alerts/datadog/webhook-default-payload-template.json" },
        { "azure-monitor", "alerts/azure-monitor/common-schema-metric-fired.json" },
        { "cloudwatch", "alerts/cloudwatch/cloudwatch-alarm-message-alarm-single-metric.json" },
    };

    [Theory]
    [MemberData(nameof(SourceFixtures))]
    public void TheOpeningMessageShowsTheFirstAlertsOwnWordsOnEveryPlatform(string source, string file)
    {
        // Datadog publishes only its template: filled in as Datadog fills it.
        var alert = Normalizer(source).NormalizeJson(Fixtures.Read(file).Replace("$EVENT_TITLE", "[Triggered] CPU high on web-1", StringComparison.Ordinal))[0];
        var stored = IncidentAlert.From(alert, 1, Now);
        var message = IncidentMessages.Summary(Incident(), new RoleCatalog(Options.Create(new RoleOptions())), alertDetails: IncidentMessages.AlertDetails(stored, Defaults));

        var slack = BlockKitRenderer.Blocks(message).ToJsonString();
        var card = AdaptiveCardMessageRenderer.Card(message);
        AdaptiveCardSchemaTests.AssertValid(card, file);
        var teams = card.ToJsonString();
        var html = WebMessageRenderer.Render(message);
        var description = (alert.Description ?? alert.Annotations.GetValueOrDefault("description"))?.Trim();
        if (!string.IsNullOrEmpty(description))
        {
            var shown = ChatText.Shorten(description, IncidentMessages.MaxDescriptionChars);
            Assert.Contains(JsonValue.Create(SlackText.Escape(shown))!.ToJsonString()[1..^1], slack);
            Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(shown), html);
            Assert.Contains(ToPlainText(message), t => t == shown);
        }
        foreach (var label in Defaults.ShownLabels.Where(l => !string.IsNullOrWhiteSpace(alert.Labels.GetValueOrDefault(l))))
        {
            Assert.Contains($"<dt>{label}</dt>", html);
            Assert.Contains($"*{label}*", slack);
            Assert.Contains($"\"title\":\"{label}\"", teams);
        }
        foreach (var link in alert.Links.Where(l => LinkPolicy.IsSafe(l.Url)))
        {
            Assert.Contains($"href=\"{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(link.Url)}\"", html);
            Assert.Contains(JsonValue.Create($"<{SlackText.Escape(link.Url.Replace("|", "%7C"))}|")!.ToJsonString()[1..^1], slack);
            Assert.Contains(JsonValue.Create($"]({link.Url.Replace("(", "%28").Replace(")", "%29")})")!.ToJsonString()[1..^1], teams);
        }
    }

    [Fact]
    public void AlertmanagersSilenceLinkIsItsOwnNewSilenceFormWithTheAlertsLabels()
    {
        var alert = new AlertmanagerNormalizer().NormalizeFixture("alerts/alertmanager/firing-two-alerts.json")[0];

        var silence = Assert.Single(alert.Links, l => l.Title == "Silence");
        Assert.Equal("http://ops1:9093/#/silences/new?filter=%7Bhost%3D%22andromeda%22%2C%20severity%3D%22critical%22%2C%20alertname%3D%22High%20CPU%20Temperature%22%7D", silence.Url);
        Assert.True(LinkPolicy.IsSafe(silence.Url));
        Assert.Contains(IncidentMessages.Links(IncidentAlert.From(alert, 1, Now)), l => l.Title == "Silence" && l.Url == silence.Url);
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("C:\\temp", "C:\\\\temp")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("x,y=z}{", "x,y=z}{")]
    [InlineData("ünïcode ✓", "ünïcode ✓")]
    [InlineData("100%&#/?", "100%&#/?")]
    public void SilenceMatchersQuoteValuesAsAlertmanagerReadsThem(string value, string quoted)
    {
        var url = AlertmanagerNormalizer.SilenceUrl("https://am.example/", new Dictionary<string, string> { ["alertname"] = "A", ["instance"] = value })!;

        Assert.StartsWith("https://am.example/#/silences/new?filter=", url);
        Assert.Equal($"{{instance=\"{quoted}\", alertname=\"A\"}}", Uri.UnescapeDataString(url.Split("filter=")[1]));
        Assert.True(LinkPolicy.IsSafe(url), url);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/alertmanager")]
    public void NoSilenceLinkWithoutAWebAddressForAlertmanager(string? externalUrl)
    {
        var payload = new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = "g",
            ["status"] = "firing",
            ["alerts"] = new JsonArray(new JsonObject { ["status"] = "firing", ["labels"] = new JsonObject { ["alertname"] = "A" }, ["fingerprint"] = "f" }),
        };
        if (externalUrl is not null)
        {
            payload["externalURL"] = externalUrl;
        }

        var alert = Assert.Single(new AlertmanagerNormalizer().NormalizeJson(payload.ToJsonString()));

        Assert.DoesNotContain(alert.Links, l => l.Title == "Silence");
    }

    [Fact]
    public void OnlyTheConfiguredLabelsInTheirOrderTheAnnotationsNotShownYetAndEachLinkOnce()
    {
        var alert = Stored(labels: new() { ["job"] = "api", ["instance"] = "web-1", ["pod"] = "api-7f", ["alertname"] = "HighLatency" });
        alert.Description = "Latency is high";
        alert.Annotations = new()
        {
            ["summary"] = "p99 above 2s",
            ["description"] = "Latency is high",
            ["runbook_url"] = "https://wiki.example/latency",
            ["dashboard"] = "https://grafana.example/d/lat",
        };
        alert.Links = [new AlertLink("Runbook", "https://wiki.example/latency"), new AlertLink("Source", "https://prom.example/graph")];

        var blocks = IncidentMessages.AlertDetails(alert, new AlertDetailOptions { Labels = ["instance", "pod", "cluster"] });

        Assert.Equal("Latency is high", Assert.IsType<PlainTextBlock>(blocks[0]).Text);
        Assert.Equal([new MessageField("instance", "web-1"), new MessageField("pod", "api-7f")], Assert.IsType<FieldsBlock>(blocks[1]).Fields);
        Assert.Equal([new MessageField("summary", "p99 above 2s")], Assert.IsType<FieldsBlock>(blocks[2]).Fields);
        Assert.Equal(
            [new MessageLink("Runbook", "https://wiki.example/latency"), new MessageLink("Source", "https://prom.example/graph"), new MessageLink("Dashboard", "https://grafana.example/d/lat")],
            Assert.IsType<LinksBlock>(blocks[3]).Links);
    }

    [Fact]
    public void LongTextIsCutAndAnAlertWithNothingToSayAddsNothing()
    {
        var alert = Stored(labels: new() { ["instance"] = new string('i', 5000) });
        alert.Description = new string('d', 50_000);
        alert.Links = [new AlertLink(new string('t', 500), "https://x.example/" + new string('p', 100)), new AlertLink("Too long", "https://x.example/" + new string('p', 5000))];

        var blocks = IncidentMessages.AlertDetails(alert, Defaults);

        Assert.Equal(IncidentMessages.MaxDescriptionChars, Assert.IsType<PlainTextBlock>(blocks[0]).Text.Length);
        Assert.Equal(IncidentMessages.MaxValueChars, Assert.IsType<FieldsBlock>(blocks[1]).Fields[0].Value.Length);
        var link = Assert.Single(Assert.IsType<LinksBlock>(blocks[2]).Links);
        Assert.Equal(IncidentMessages.MaxLinkTitleChars, link.Title.Length);
        Assert.Empty(IncidentMessages.AlertDetails(Stored(labels: new() { ["other"] = "x" }), Defaults));
    }

    [Fact]
    public void ALinkWhoseEscapingOutgrowsASlackSectionIsNamedNotSentBroken()
    {
        var url = "https://grafana.example/d/1?" + string.Join("&", Enumerable.Range(0, 290).Select(i => $"v{i}=1"));
        var message = new ChatMessage { Blocks = [new LinksBlock([new MessageLink("Dashboard", url), new MessageLink("Graph", "https://prom.example/g")])] };

        var texts = BlockKitRenderer.Blocks(message).Select(b => b!["text"]!["text"]!.GetValue<string>()).ToList();

        Assert.True(url.Length <= IncidentMessages.MaxLinkUrlChars && url.Replace("&", "&amp;").Length > 3000);
        Assert.All(texts, t => Assert.True(t.Length <= 3000, $"{t.Length} characters"));
        Assert.Equal("Dashboard (address too long for Slack)  ·  <https://prom.example/g|Graph>", Assert.Single(texts));
        Assert.Contains($"[Dashboard]({url})", AdaptiveCardMessageRenderer.Card(message)["body"]![0]!["text"]!.GetValue<string>()); // Teams has room
    }

    [Fact]
    public void AStormOfManyHostsIsSummarisedWithCountsDistinctValuesAndTimesThenListedWithinLimits()
    {
        var firing = Enumerable.Range(1, 37).Select(i =>
        {
            var a = Stored(fingerprint: $"f{i}", labels: new() { ["alertname"] = "NodeDown", ["job"] = "node", ["instance"] = $"host-{i:00}:9100" });
            a.StartsAt = Now.AddSeconds(i);
            return a;
        }).ToList();
        var resolved = new List<IncidentAlert> { Stored(fingerprint: "r1", labels: new() { ["alertname"] = "NodeDown", ["job"] = "node", ["instance"] = "host-99:9100" }, status: AlertStatus.Resolved) };
        var incident = Incident();
        incident.AlertCount = 40;
        incident.FiringAlertCount = 38;

        var message = IncidentMessages.AlertStorm(incident, firing, resolved, Defaults);

        var line = Assert.IsType<TextBlock>(message.Blocks[0]).Markdown;
        Assert.Equal("INC-1: **37 more alerts** firing, **1** resolved · now 38 firing of 40", line);
        var fields = Assert.IsType<FieldsBlock>(message.Blocks[1]).Fields;
        Assert.Equal("instance", fields[0].Label);
        Assert.Equal("38 values: host-01:9100, host-02:9100, host-03:9100, host-04:9100, host-05:9100, …", fields[0].Value);
        Assert.DoesNotContain(fields, f => f.Label is "job" or "alertname"); // the same on every alert
        Assert.Equal(new MessageField("First seen", "2026-12-06 04:00:01 UTC"), fields[^2]);
        Assert.Equal(new MessageField("Last seen", "2026-12-06 04:00:37 UTC"), fields[^1]);
        var list = Assert.IsType<PlainTextBlock>(message.Blocks[2]).Text.Split('\n');
        Assert.Equal(Defaults.MaxListedAlerts + 1, list.Length);
        Assert.Equal("firing · NodeDown · instance=host-01:9100, job=node", list[0]);
        Assert.Equal("… and 18 more (the console's alert list has them all)", list[^1]);

        var blocks = BlockKitRenderer.Blocks(message);
        Assert.True(blocks.ToJsonString().Length < 11_000);
        Assert.DoesNotContain(blocks, b => b!["type"]!.GetValue<string>() == "context"); // not cut
        AdaptiveCardSchemaTests.AssertValid(AdaptiveCardMessageRenderer.Card(message), "storm");
        Assert.Contains("38 values: host-01:9100", WebMessageRenderer.Render(message));
    }

    [Fact]
    public void OneMoreAlertShowsItsLabelsThatMatter()
    {
        var one = Stored(labels: new() { ["alertname"] = "DiskFull", ["instance"] = "db-1", ["mountpoint"] = "/" });
        var incident = Incident();
        (incident.AlertCount, incident.FiringAlertCount) = (2, 2);

        var message = IncidentMessages.AlertStorm(incident, [one], [], Defaults);

        Assert.Equal("INC-1: **1 more alert** firing · now 2 firing of 2", Assert.IsType<TextBlock>(message.Blocks[0]).Markdown);
        Assert.Equal(["alertname", "instance", "First seen", "Last seen"], Assert.IsType<FieldsBlock>(message.Blocks[1]).Fields.Select(f => f.Label));
    }

    [Theory]
    [InlineData(new[] { "" }, 20, "AlertDetails:Labels must not hold an empty name")]
    [InlineData(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k" }, 20, "at most 10 can be shown")]
    [InlineData(new[] { "instance" }, 0, "AlertDetails:MaxListedAlerts must be between 1 and 100")]
    [InlineData(new[] { "instance" }, 101, "AlertDetails:MaxListedAlerts must be between 1 and 100")]
    public void BadOptionsAreRefusedWithTheirKey(string[] labels, int listed, string problem)
    {
        var result = new AlertDetailOptionsValidation().Validate(null, new AlertDetailOptions { Labels = [.. labels], MaxListedAlerts = listed });

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage);
        Assert.True(new AlertDetailOptionsValidation().Validate(null, new AlertDetailOptions()).Succeeded);
    }

    private static IEnumerable<string> ToPlainText(ChatMessage message) => message.Blocks.OfType<PlainTextBlock>().Select(b => b.Text);

    private static IAlertNormalizer Normalizer(string source) => source switch
    {
        "alertmanager" => new AlertmanagerNormalizer(),
        "grafana" => new GrafanaNormalizer(),
        "pagerduty" => new PagerDutyNormalizer(),
        "opsgenie" => new OpsgenieNormalizer(),
        "datadog" => new DatadogNormalizer(),
        "azure-monitor" => new AzureMonitorNormalizer(),
        "cloudwatch" => new CloudWatchNormalizer(),
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    private static Incident Incident() => new() { Number = 1, Title = "Title", Severity = Severity.Sev2, CreatedAt = Now };

    internal static IncidentAlert Stored(string fingerprint = "f", Dictionary<string, string>? labels = null, AlertStatus status = AlertStatus.Firing) => new()
    {
        Id = IncidentAlert.IdFor(1, "alertmanager", fingerprint),
        IncidentNumber = 1,
        Source = "alertmanager",
        Fingerprint = fingerprint,
        Status = status,
        Title = labels?.GetValueOrDefault("alertname") ?? "Alert",
        Labels = labels ?? [],
        FirstSeenAt = Now,
    };
}
