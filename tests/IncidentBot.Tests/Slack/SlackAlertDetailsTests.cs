using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// In Slack, against the fake Web API (which refuses blocks over Block Kit's limits): the channel's opening message
/// carries the first alert's description, labels and links, and a storm of later alerts arrives as one summary
/// with the hosts counted and listed, not as one message per alert.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackAlertDetailsTests
{
    [Fact]
    public async Task TheOpeningMessageShowsTheAlertAndAStormOfFortyHostsIsOneSummary()
    {
        await using var slack = await SlackHarness.StartAsync();

        await slack.App.PostRawAsync("/webhooks/alertmanager", Payload([0], "Node web-00 stopped answering <!channel> *now*"));
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Count >= 1, "the opening message");
        var opening = slack.Slack.MessagesIn(Channel)[0].Blocks!;
        var description = Assert.Single(opening, b => b!["text"]?["type"]?.GetValue<string>() == "plain_text" && b["type"]!.GetValue<string>() == "section");
        Assert.Equal("Node web-00 stopped answering &lt;!channel&gt; *now*", description!["text"]!["text"]!.GetValue<string>());
        var fields = opening.Where(b => b!["fields"] is not null).SelectMany(b => b!["fields"]!.AsArray()).Select(f => f!["text"]!.GetValue<string>()).ToList();
        Assert.Contains("*alertname*\nNodeDown", fields);
        Assert.Contains("*instance*\nweb-00:9100", fields);
        Assert.Contains("*cluster*\neu-1", fields);
        var links = string.Join("\n", opening.Where(b => b!["text"]?["type"]?.GetValue<string>() == "mrkdwn").Select(b => b!["text"]!["text"]!.GetValue<string>()));
        Assert.Contains("<https://prom.example/graph?g0.expr=up%3D%3D0|Source>", links);
        Assert.Contains("<https://am.example/#/silences/new?filter=%7Bcluster%3D%22eu-1%22%2C%20instance%3D%22web-00%3A9100%22%2C%20job%3D%22node%22%2C%20alertname%3D%22NodeDown%22%7D|Silence>", links);
        Assert.Contains("<https://wiki.example/node-down|Runbook>", links);

        await slack.App.PostRawAsync("/webhooks/alertmanager", Payload(Enumerable.Range(0, 41), "Node stopped answering"));

        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Any(m => m.Text?.Contains("40 more alerts") == true), "the storm's summary");
        var storm = slack.Slack.MessagesIn(Channel).Single(m => m.Text?.Contains("40 more alerts") == true);
        var json = string.Join("\n", Texts(storm.Blocks!));
        Assert.Contains("now 41 firing of 41", json);
        Assert.Contains("*instance*\n40 values: web-01:9100, web-02:9100, web-03:9100, web-04:9100, web-05:9100, …", json);
        Assert.Contains("firing · NodeDown · instance=web-01:9100, cluster=eu-1, job=node", json);
        Assert.Contains("… and 20 more (the console's alert list has them all)", json);
        // One summary, not a message per alert: the opening message, the storm, nothing else from the alerts.
        Assert.Equal(2, slack.Slack.MessagesIn(Channel).Count);
        Assert.DoesNotContain(slack.Slack.CallsTo("chat.postMessage"), c => c.Error is not null);
    }

    [Fact]
    public async Task AlertsArrivingWithinTheIntervalWaitAndAreSummarisedTogetherOnce()
    {
        await using var slack = await SlackHarness.StartAsync(settings: new() { ["AlertDetails:StormSummaryInterval"] = "00:00:03" });
        await slack.App.PostRawAsync("/webhooks/alertmanager", Payload([0], "down"));
        await slack.App.PostRawAsync("/webhooks/alertmanager", Payload([1, 2], "down"));
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Any(m => m.Text?.Contains("2 more alerts") == true), "the first summary, at once");
        var first = System.Diagnostics.Stopwatch.StartNew();

        // Three more batches within the interval: none is posted on its own.
        foreach (var hosts in new[] { new[] { 3 }, [4, 5], [6] })
        {
            await slack.App.PostRawAsync("/webhooks/alertmanager", Payload(hosts, "down"));
        }

        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(Channel).Any(m => m.Text?.Contains("4 more alerts") == true), "the waiting alerts' summary", TimeSpan.FromSeconds(15));
        Assert.True(first.Elapsed >= TimeSpan.FromSeconds(2), $"the second summary came {first.Elapsed} after the first");
        var texts = slack.Slack.MessagesIn(Channel).Select(m => string.Join("\n", Texts(m.Blocks!))).ToList();
        Assert.Equal(3, texts.Count); // the opening message and two summaries
        Assert.Contains("*instance*\n4 values: web-03:9100, web-04:9100, web-05:9100, web-06:9100", texts[2]);
        Assert.Contains("now 7 firing of 7", texts[2]);
    }

    private const string Channel = "inc-1-nodedown";

    /// <summary>Every "text" string in the blocks.</summary>
    private static IEnumerable<string> Texts(JsonNode node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "text" && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? [s] : p.Value is null ? [] : Texts(p.Value)),
        JsonArray array => array.SelectMany(i => i is null ? [] : Texts(i)),
        _ => [],
    };

    private static string Payload(IEnumerable<int> hosts, string description) => new JsonObject
    {
        ["version"] = "4",
        ["groupKey"] = "{}:{alertname=\"NodeDown\"}",
        ["status"] = "firing",
        ["externalURL"] = "https://am.example/",
        ["alerts"] = new JsonArray(hosts.Select(i => (JsonNode)new JsonObject
        {
            ["status"] = "firing",
            ["labels"] = new JsonObject { ["alertname"] = "NodeDown", ["instance"] = $"web-{i:00}:9100", ["job"] = "node", ["cluster"] = "eu-1" },
            ["annotations"] = new JsonObject { ["description"] = description, ["runbook_url"] = "https://wiki.example/node-down" },
            ["generatorURL"] = "https://prom.example/graph?g0.expr=up%3D%3D0",
            ["fingerprint"] = $"fp{i:00}",
        }).ToArray()),
    }.ToJsonString();
}
