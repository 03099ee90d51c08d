using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace IncidentBot.Bench.Load;

/// <summary>
/// The storm's webhooks: Alertmanager notifications built from the captured fixture (its alert shape, with a
/// fresh fingerprint and host per alert), and single alerts in the generic format, shuffled with a fixed seed
/// so every run and every baseline sends the same bytes in the same order.
/// </summary>
public static class StormPayloads
{
    public const string AlertmanagerPath = "/webhooks/alertmanager";
    public const string GenericPath = "/webhooks/generic";

    public static IReadOnlyList<StormRequest> Build(StormPlan plan, string prefix = "storm")
    {
        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(BenchPaths.Fixtures, "alerts", "alertmanager", "firing-two-alerts.json")))!.AsObject();
        var requests = new List<StormRequest>(plan.AlertmanagerNotifications + plan.GenericAlerts);
        for (var n = 0; n < plan.AlertmanagerNotifications; n++)
        {
            requests.Add(Notification(fixture, plan, n, prefix));
        }
        for (var n = 0; n < plan.GenericAlerts; n++)
        {
            requests.Add(Generic(n, n % plan.GenericDedupKeys, prefix: prefix));
        }
        new Random(10).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(requests));
        return requests;
    }

    /// <summary>
    /// The bot's warm-up: a storm of its own keys and fingerprints, a tenth of the full one, so every path the
    /// measured storm takes (intake, opening incidents, attaching, the outbox and Slack) is compiled and tiered up
    /// before the clock starts. Round 2, 3, … (<c>--warm-ups</c>) use keys and fingerprints of their own again.
    /// </summary>
    public static IReadOnlyList<StormRequest> BotWarmUp(int round = 1) => Build(StormPlan.Quick, prefix: round == 1 ? "warm-up" : $"warm-up{round}");

    /// <summary>Resolved generic alerts: they exercise the whole intake path but open no incident.</summary>
    public static IReadOnlyList<StormRequest> WarmUp(int count) =>
        Enumerable.Range(0, count).Select(n => Generic(n, n, status: "resolved", prefix: "warm-up")).ToList();

    private static StormRequest Notification(JsonObject fixture, StormPlan plan, int n, string prefix)
    {
        var group = n % plan.AlertmanagerGroups;
        var groupLabels = new JsonObject { ["alertname"] = "High CPU Temperature", ["cluster"] = $"{prefix}-{group}" };
        var notification = fixture.DeepClone().AsObject();
        notification["groupKey"] = $"{{}}/{{}}:{{alertname=\"High CPU Temperature\", cluster=\"{prefix}-{group}\"}}";
        notification["groupLabels"] = groupLabels;
        var template = fixture["alerts"]![0]!;
        var alerts = new JsonArray();
        for (var i = 0; i < plan.AlertsPerNotification; i++)
        {
            var alert = template.DeepClone().AsObject();
            var id = n * plan.AlertsPerNotification + i;
            alert["labels"]!["cluster"] = $"{prefix}-{group}";
            alert["labels"]!["host"] = $"host-{id}";
            alert["fingerprint"] = prefix == "storm" ? id.ToString("x16", CultureInfo.InvariantCulture) : $"{prefix}-{id}";
            alerts.Add(alert);
        }
        notification["alerts"] = alerts;
        return new StormRequest(AlertmanagerPath, Encoding.UTF8.GetBytes(notification.ToJsonString()), plan.AlertsPerNotification);
    }

    private static StormRequest Generic(int n, int key, string status = "firing", string prefix = "storm")
    {
        var alert = new JsonObject
        {
            ["title"] = $"Checkout error rate above 5% ({prefix} {key})",
            ["severity"] = "critical",
            ["status"] = status,
            ["dedupKey"] = $"{prefix}-{key}",
            ["fingerprint"] = $"{prefix}-{n}",
            ["labels"] = new JsonObject { ["service"] = "checkout", ["shard"] = $"{key}" },
            ["links"] = new JsonArray("https://grafana.example/d/checkout"),
        };
        return new StormRequest(GenericPath, Encoding.UTF8.GetBytes(alert.ToJsonString()), 1);
    }
}
