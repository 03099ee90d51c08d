using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Fakes;

namespace IncidentBot.Tests.Teams;

/// <summary>The Teams incident flow against fake Entra, Bot Connector and Graph servers on loopback.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TeamsIncidentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AlertCreatesAChannelWithTheIncidentCardAndTheRunbookStep()
    {
        await using var teams = await TeamsHarness.StartAsync();

        await teams.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);

        await Eventually.TrueAsync(() => Thread(teams)?.Activities.Count >= 4, "the starter, summary, runbook intro and step in the channel's thread", Wait);
        var channel = Assert.Single(teams.Graph.Channels, c => c.DisplayName.StartsWith("INC-1"));
        Assert.Equal("INC-1 Orders primary database is down", channel.DisplayName);
        Assert.Equal("standard", channel.MembershipType);
        var thread = Thread(teams)!;
        Assert.Equal(channel.Id, thread.ChannelId);
        Assert.Contains("INC-1 · SEV1 · Orders primary database is down", CardText(thread.Activities[1]));
        Assert.Contains("step 1 of 7", CardText(thread.Activities[3]));
        var actions = thread.Activities[3].AdaptiveCards[0]["actions"]!.AsArray();
        Assert.Contains(actions, a => a!["data"]!["command"]!.GetValue<string>() == "done database-failover" && a["type"]!.GetValue<string>() == "Action.Execute");
        Assert.Equal("1.5", thread.Activities[3].AdaptiveCards[0]["version"]!.GetValue<string>());
        var incident = await teams.App.GetIncidentAsync(1);
        Assert.Contains(incident.Channels, c => c.Platform == "teams" && c.Id == thread.Id);
    }

    [Fact]
    public async Task WithoutGraphPermissionTheIncidentGetsAThreadInTheIncidentsChannel()
    {
        await using var teams = await TeamsHarness.StartAsync(allowChannelCreate: false);

        await teams.App.CommandAsync(null, "alice", "declare Checkout errors sev2");

        await Eventually.TrueAsync(() => teams.Connector.Conversations.Any(c => c.ChannelId == TeamsHarness.IncidentsChannel && c.Activities.Count >= 2), "the fallback thread", Wait);
        Assert.DoesNotContain(teams.Graph.Channels, c => c.DisplayName.StartsWith("INC-"));
        var thread = teams.Connector.Conversations.Single(c => c.ChannelId == TeamsHarness.IncidentsChannel);
        Assert.Contains("INC-1 · SEV2 · Checkout errors", CardText(thread.Activities[1]));
    }

    [Fact]
    public async Task MentionCommandAndCardActionEachMoveTheStepAndTheCardIsUpdatedInPlace()
    {
        await using var teams = await TeamsHarness.StartAsync();
        await teams.App.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await Eventually.TrueAsync(() => Thread(teams)?.Activities.Count >= 4, "the step card", Wait);
        var thread = Thread(teams)!;
        var stepCard = thread.Activities[3];

        var mention = teams.Fixture("message-channel-mention-tacv2.json");
        mention["conversation"]!["id"] = thread.Id;
        mention["text"] = "<at>ridotest</at> done";
        mention["id"] = "mention-1";
        var byMention = await teams.SendAsync(mention);
        await Eventually.TrueAsync(async () => (await teams.App.GetIncidentAsync(1)).RunbookSessions![0].CurrentStep == 2, "the mention to complete step 1", Wait);

        var invoke = teams.Fixture("invoke-adaptivecard-action-execute.json");
        invoke["conversation"]!["id"] = thread.Id;
        invoke["id"] = "invoke-1";
        invoke["value"]!["action"]!["verb"] = "incidentbot.command";
        invoke["value"]!["action"]!["data"] = new JsonObject { ["command"] = "skip database-failover" };
        var byCard = await teams.SendAsync(invoke);

        Assert.Equal(HttpStatusCode.OK, byMention.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byCard.StatusCode);
        var invokeResponse = JsonNode.Parse(await byCard.Content.ReadAsStringAsync())!;
        Assert.Equal(200, invokeResponse["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.activity.message", invokeResponse["type"]!.GetValue<string>());
        var session = (await teams.App.GetIncidentAsync(1)).RunbookSessions![0];
        Assert.Equal(3, session.CurrentStep);
        Assert.Equal("skipped", session.Steps[1].State);
        await Eventually.TrueAsync(() => CardText(Thread(teams)!.Activities.Single(a => a.Id == stepCard.Id)).Contains("step 3 of 7"), "the step card to be updated in place", Wait);
        Assert.True(Thread(teams)!.Activities.Single(a => a.Id == stepCard.Id).History.Count >= 2);
    }

    [Fact]
    public async Task ThrottlingAndAnOutageLoseNothingAndKeepTheOrder()
    {
        await using var teams = await TeamsHarness.StartAsync();
        await teams.App.CommandAsync(null, "alice", "declare Payments failing sev2");
        await Eventually.TrueAsync(() => Thread(teams, "INC-1")?.Activities.Count >= 2, "the summary", Wait);
        teams.Connector.ThrottleNext(2, retryAfterSeconds: 1);
        await teams.App.CommandAsync(1, "alice", "update one");
        await teams.App.CommandAsync(1, "alice", "update two");
        teams.Connector.SetDown(true);
        await teams.App.CommandAsync(1, "alice", "update three");
        await teams.App.CommandAsync(1, "alice", "update four");
        await Task.Delay(1500);

        teams.Connector.SetDown(false);

        await Eventually.TrueAsync(() => Thread(teams, "INC-1")!.Activities.Count == 6, "every queued update after the outage", TimeSpan.FromSeconds(40));
        await Task.Delay(500);
        var updates = Thread(teams, "INC-1")!.Activities.Skip(2).Select(CardText).ToList();
        Assert.Equal(4, updates.Count);
        Assert.Equal(["one", "two", "three", "four"], updates.Select(u => u.Split('\n')[1]));
    }

    [Fact]
    public async Task WithoutATeamIdTheTeamTheBotWasInstalledInGetsTheChannels()
    {
        await using var teams = await TeamsHarness.StartAsync(settings: new() { ["Teams:TeamId"] = "", ["Teams:TenantId"] = "" });
        var installed = teams.Fixture("conversation-update-bot-added-to-team.json");
        var group = installed["channelData"]!["team"]!["aadGroupId"]!.GetValue<string>();
        teams.Graph.AddTeam(group);

        Assert.Equal(HttpStatusCode.OK, (await teams.SendAsync(installed)).StatusCode);
        await teams.App.CommandAsync(null, "alice", "declare Cache stampede sev2");

        await Eventually.TrueAsync(() => teams.Graph.Channels.Any(c => c.TeamId == group && c.DisplayName == "INC-1 Cache stampede")
            && teams.Connector.Conversations.Any(c => c.ChannelId == teams.Graph.Channels.Single(ch => ch.DisplayName == "INC-1 Cache stampede").Id), "the channel and its thread in the installed team", Wait);
        var thread = teams.Connector.Conversations.Single(c => c.ChannelId == teams.Graph.Channels.Single(ch => ch.DisplayName == "INC-1 Cache stampede").Id);
        Assert.Equal(installed["channelData"]!["tenant"]!["id"]!.GetValue<string>(), thread.TenantId);
    }

    private static FakeConversation? Thread(TeamsHarness teams, string prefix = "INC-1 Orders") =>
        teams.Connector.Conversations.FirstOrDefault(c => teams.Graph.Channels.Any(ch => ch.Id == c.ChannelId && ch.DisplayName.StartsWith(prefix)));

    private static string CardText(FakeActivity activity) =>
        string.Join("\n", activity.AdaptiveCards.SelectMany(c => c["body"]!.AsArray()).Where(e => e!["type"]!.GetValue<string>() == "TextBlock").Select(e => e!["text"]!.GetValue<string>()));
}
