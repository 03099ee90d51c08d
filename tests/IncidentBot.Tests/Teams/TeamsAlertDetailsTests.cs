using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Fakes;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// In Teams, against the fake Bot Connector and Graph: the incident card carries the first alert's description,
/// labels and links (Alertmanager's silence link among them) and is valid Adaptive Cards 1.5; a storm of later alerts
/// arrives as one summary card with the hosts counted and listed.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TeamsAlertDetailsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheIncidentCardShowsTheAlertAndAStormOfHostsIsOneSummaryCard()
    {
        await using var teams = await TeamsHarness.StartAsync();

        await teams.App.PostRawAsync("/webhooks/alertmanager", Payload([0], "Node web-00 stopped answering <at>Alice</at> [click](https://evil.example)"));
        await Eventually.TrueAsync(() => Thread(teams)?.Activities.Count >= 2, "the starter and the incident card", Wait);
        var card = Thread(teams)!.Activities[1].AdaptiveCards[0];
        AdaptiveCardSchemaTests.AssertValid(card, "the incident card");
        var text = CardText(card);
        Assert.Contains("Node web-00 stopped answering \\<at\\>Alice\\</at\\> \\[click\\](https://evil.example)", text);
        var facts = card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "FactSet").SelectMany(f => f!["facts"]!.AsArray()).Select(f => (f!["title"]!.GetValue<string>(), f["value"]!.GetValue<string>())).ToList();
        Assert.Contains(("instance", "web-00:9100"), facts);
        Assert.Contains(("cluster", "eu-1"), facts);
        Assert.Contains("[Source](https://prom.example/graph?g0.expr=up%3D%3D0)", text);
        Assert.Contains("[Silence](https://am.example/#/silences/new?filter=%7Bcluster%3D%22eu-1%22%2C%20instance%3D%22web-00%3A9100%22%2C%20job%3D%22node%22%2C%20alertname%3D%22NodeDown%22%7D)", text);

        await teams.App.PostRawAsync("/webhooks/alertmanager", Payload(Enumerable.Range(0, 30), "Node stopped answering"));

        await Eventually.TrueAsync(() => Thread(teams)!.Activities.Any(a => a.AdaptiveCards.Count > 0 && CardText(a.AdaptiveCards[0]).Contains("29 more alerts")), "the storm's summary", Wait);
        var storm = Thread(teams)!.Activities.Single(a => a.AdaptiveCards.Count > 0 && CardText(a.AdaptiveCards[0]).Contains("29 more alerts")).AdaptiveCards[0];
        AdaptiveCardSchemaTests.AssertValid(storm, "the storm card");
        Assert.Contains("now 30 firing of 30", CardText(storm));
        Assert.Contains("firing · NodeDown · instance=web-01:9100, cluster=eu-1, job=node", CardText(storm));
        Assert.Contains(storm["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "FactSet").SelectMany(f => f!["facts"]!.AsArray()),
            f => f!["title"]!.GetValue<string>() == "instance" && f["value"]!.GetValue<string>().StartsWith("29 values: web-01:9100, web-02:9100"));
    }

    private static FakeConversation? Thread(TeamsHarness teams) =>
        teams.Connector.Conversations.FirstOrDefault(c => teams.Graph.Channels.Any(ch => ch.Id == c.ChannelId && ch.DisplayName.StartsWith("INC-1")));

    private static string CardText(JsonNode card) =>
        string.Join("\n", card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "TextBlock").Select(e => e!["text"]!.GetValue<string>()));

    private static string Payload(IEnumerable<int> hosts, string description) => new JsonObject
    {
        ["version"] = "4",
        ["groupKey"] = "{}:{alertname=\"NodeDown\"}",
        ["status"] = "firing",
        ["externalURL"] = "https://am.example",
        ["alerts"] = new JsonArray(hosts.Select(i => (JsonNode)new JsonObject
        {
            ["status"] = "firing",
            ["labels"] = new JsonObject { ["alertname"] = "NodeDown", ["instance"] = $"web-{i:00}:9100", ["job"] = "node", ["cluster"] = "eu-1" },
            ["annotations"] = new JsonObject { ["description"] = description },
            ["generatorURL"] = "https://prom.example/graph?g0.expr=up%3D%3D0",
            ["fingerprint"] = $"fp{i:00}",
        }).ToArray()),
    }.ToJsonString();
}
