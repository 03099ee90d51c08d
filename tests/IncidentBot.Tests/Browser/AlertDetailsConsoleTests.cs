using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// The room shows the first alert's own words (description, labels, annotations, links with Alertmanager's silence
/// link), summarises the storm that follows, and lists every alert one click away; alert text that looks like markup
/// stays text.
/// </summary>
public sealed class AlertDetailsConsoleTests
{
    private const string SilenceUrl =
        "https://am.example/#/silences/new?filter=%7Bcluster%3D%22eu-1%22%2C%20instance%3D%22web-00%3A9100%22%2C%20job%3D%22node%22%2C%20severity%3D%22critical%22%2C%20alertname%3D%22NodeDown%22%7D";

    [SkippableFact]
    public async Task TheRoomShowsTheAlertsDescriptionLabelsAndLinksThenSummarisesAndListsTheStorm()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var alice = await console.OpenAsync("alice");
        var pwned = "<img src=x onerror=\"window.__pwned='description'\"> <script>window.__pwned='script'</script>";

        await PostAsync(console, Payload([0], $"Node web-00 stopped answering.\nLast scrape 2m ago. {pwned}"));
        await alice.GotoAsync("/#/incidents/1");

        var opening = alice.Locator(".msg-incident").First;
        await Expect(opening.Locator(".msg-plain")).ToContainTextAsync("Node web-00 stopped answering.");
        await Expect(opening.Locator(".msg-plain")).ToContainTextAsync("<script>window.__pwned='script'</script>"); // as text
        await Expect(opening.Locator(".msg-fields").Last).ToContainTextAsync("instance");
        await Expect(opening.Locator(".msg-fields").Last).ToContainTextAsync("web-00:9100");
        await Expect(opening).ToContainTextAsync("eu-1");
        await Expect(opening.Locator(".msg-header")).ToContainTextAsync("Dashboard shows the node going dark"); // the title, from the summary annotation
        await Expect(opening.GetByRole(AriaRole.Link, new() { Name = "Silence" })).ToHaveAttributeAsync("href", SilenceUrl);
        await Expect(opening.GetByRole(AriaRole.Link, new() { Name = "Source" })).ToHaveAttributeAsync("href", "https://prom.example/graph?g0.expr=up%3D%3D0");
        await Expect(opening.GetByRole(AriaRole.Link, new() { Name = "Runbook" })).ToHaveAttributeAsync("href", "https://wiki.example/node-down");
        await Expect(opening.GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToHaveAttributeAsync("href", "https://grafana.example/d/nodes");
        await Expect(opening.Locator("a[href^='javascript']")).ToHaveCountAsync(0);

        await PostAsync(console, Payload(Enumerable.Range(0, 38), "Node stopped answering."));

        var storm = alice.Locator(".msg-event", new() { HasText = "37 more alerts" });
        await Expect(storm).ToContainTextAsync("now 38 firing of 38");
        await Expect(storm.Locator(".msg-fields")).ToContainTextAsync("37 values: web-01:9100, web-02:9100, web-03:9100, web-04:9100, web-05:9100, …");
        await Expect(storm.Locator(".msg-plain")).ToContainTextAsync("firing · Dashboard shows the node going dark · instance=web-01:9100, cluster=eu-1, job=node");

        var panel = alice.GetByTestId("alerts-panel");
        await Expect(panel.Locator("summary")).ToHaveTextAsync("Alerts: 38 firing of 38");
        await panel.Locator("summary").ClickAsync();
        await Expect(panel.GetByTestId("alert-item")).ToHaveCountAsync(38);
        await Expect(panel.GetByTestId("alert-item").Nth(37)).ToContainTextAsync("web-37:9100");
        await Expect(panel.GetByTestId("alert-item").First.GetByRole(AriaRole.Link, new() { Name = "Silence" })).ToHaveAttributeAsync("href", SilenceUrl);

        // A resolve while the list is open shows in it.
        await PostAsync(console, Payload([5], "Node stopped answering.", status: "resolved"));
        await Expect(panel.Locator("summary")).ToHaveTextAsync("Alerts: 37 firing of 38");
        await Expect(panel.Locator(".alert-resolved")).ToHaveCountAsync(1);
        await Expect(panel.Locator(".alert-resolved")).ToContainTextAsync("web-05:9100");

        Assert.Null(await alice.EvaluateAsync<string?>("() => window.__pwned ?? null"));
    }

    [SkippableFact]
    public async Task ThePhoneWidthRoomShowsTheAlertWithoutSidewaysScrolling()
    {
        await using var console = await ConsoleBrowser.StartAsync();
        var phone = await console.OpenAsync("alice", width: 390, height: 844);

        await PostAsync(console, Payload([0], "A description with a very long token: " + new string('x', 300)));
        await phone.GotoAsync("/#/incidents/1");

        await Expect(phone.Locator(".msg-incident .msg-links")).ToContainTextAsync("Silence");
        await Expect(phone.Locator(".msg-incident .msg-plain")).ToContainTextAsync("xxxx");
        Assert.True(await phone.EvaluateAsync<bool>(
            "() => [...document.querySelectorAll('.msg-incident .msg-plain, .msg-incident .msg-links, .msg-incident .msg-fields')].every(e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= window.innerWidth)"),
            "the alert's details are wider than the phone");
    }

    private static async Task PostAsync(ConsoleBrowser console, string payload)
    {
        var response = await console.Bot.Client.PostAsync("/webhooks/alertmanager", new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An Alertmanager notification of the NodeDown group holding the hosts web-NN numbered here.</summary>
    private static string Payload(IEnumerable<int> hosts, string description, string status = "firing") => new JsonObject
    {
        ["version"] = "4",
        ["groupKey"] = "{}:{alertname=\"NodeDown\"}",
        ["status"] = status,
        ["externalURL"] = "https://am.example",
        ["alerts"] = new JsonArray(hosts.Select(i => (JsonNode)new JsonObject
        {
            ["status"] = status,
            ["labels"] = new JsonObject { ["alertname"] = "NodeDown", ["instance"] = $"web-{i:00}:9100", ["job"] = "node", ["cluster"] = "eu-1", ["severity"] = "critical" },
            ["annotations"] = new JsonObject
            {
                ["summary"] = "Dashboard shows the node going dark",
                ["description"] = description,
                ["runbook_url"] = "https://wiki.example/node-down",
                ["dashboard"] = "https://grafana.example/d/nodes",
            },
            ["generatorURL"] = "https://prom.example/graph?g0.expr=up%3D%3D0",
            ["startsAt"] = $"2026-12-06T04:{i % 60:00}:00Z",
            ["fingerprint"] = $"fp{i:00}",
        }).ToArray()),
    }.ToJsonString();
}
