using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using IncidentBot.Tests.Infrastructure;
using NSubstitute;
using YamlDotNet.RepresentationModel;

namespace IncidentBot.Tests.Telemetry;

/// <summary>The example dashboard and alert rules only use series the bot really exports, under their exported names.</summary>
[Collection(nameof(MetricsCollection))]
public sealed partial class MonitoringManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "manifests", "monitoring");

    [Fact]
    public async Task EverySeriesTheRulesAndTheDashboardQueryIsExported()
    {
        var exported = await ExportedNamesAsync();
        var queried = RuleExpressions().Concat(DashboardExpressions()).SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).ToHashSet();

        Assert.Contains("incidentbot_outbox_pending", queried);
        Assert.Contains("http_server_request_duration_seconds_count", queried);
        Assert.All(queried.Where(n => n != "up"), name => Assert.True(exported.Contains(name), $"{name} is queried but not exported"));
    }

    [Fact]
    public void EveryRuleSaysHowBadItIsAndWhatToDo()
    {
        var rules = Rules().ToList();
        Assert.True(rules.Count >= 5);
        Assert.All(rules, rule =>
        {
            Assert.Contains(((YamlScalarNode)rule.Children["labels"]["severity"]).Value, new[] { "critical", "warning" });
            Assert.False(string.IsNullOrWhiteSpace(((YamlScalarNode)rule.Children["annotations"]["description"]).Value));
        });
        Assert.Contains(rules, r => ((YamlScalarNode)r.Children["alert"]).Value == "IncidentBotOutboxStuck");
        Assert.Contains(rules, r => ((YamlScalarNode)r.Children["alert"]).Value == "IncidentBotIntakeFailing");
    }

    /// <summary>Our instruments as the Prometheus exporter names them, plus what a real scrape shows (ASP.NET Core, runtime).</summary>
    private static async Task<HashSet<string>> ExportedNamesAsync()
    {
        await using var app = new IncidentBotApplication();
        await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        var scrape = await PrometheusScrape.ReadAsync(app.CreateClient());
        var names = SeriesName().Matches(scrape.Text).Select(m => m.Value).ToHashSet();

        using var standalone = new StandaloneBotMetrics();
        var metrics = standalone.Metrics;
        _ = new BotGauges(metrics, Substitute.For<IAlertInboxStore>(), Substitute.For<IOutboxStore>(), Substitute.For<IIncidentStore>());
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter != metrics.Meter)
                {
                    return;
                }
                var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
                switch (instrument)
                {
                    case Counter<long>:
                        names.Add(name + "_total");
                        break;
                    case Histogram<double>:
                        names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                        break;
                    default:
                        names.Add(name);
                        break;
                }
            },
        };
        listener.Start();
        Assert.Contains("incidentbot_webhook_requests_total", names); // the naming rule agrees with the real scrape
        return names;
    }

    private static IEnumerable<YamlMappingNode> Rules()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Folder, "incidentbot-rules.yaml"))));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children["groups"];
        return groups.Cast<YamlMappingNode>().SelectMany(g => ((YamlSequenceNode)g.Children["rules"]).Cast<YamlMappingNode>());
    }

    private static IEnumerable<string> RuleExpressions() => Rules().Select(r => ((YamlScalarNode)r.Children["expr"]).Value!);

    private static IEnumerable<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "grafana-dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
    }

    // A series name in PromQL: letters and underscores, not a function call, label name or keyword after "by".
    [GeneratedRegex(@"\b(incidentbot|http_server|dotnet|kestrel|aspnetcore)_[a-z_]+\b|\bup\b")]
    private static partial Regex SeriesName();
}
