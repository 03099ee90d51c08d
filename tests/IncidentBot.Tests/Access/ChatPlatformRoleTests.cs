using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Slack.Fakes;
using IncidentBot.Tests.Teams;

namespace IncidentBot.Tests.Access;

/// <summary>
/// The same people get the same roles in Slack and Teams as in the console: the e-mail the platform vouches for
/// (Slack's <c>users.info</c>, the Bot Connector's member look-up) is matched against the <c>Access</c> lists.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ChatPlatformRoleTests
{
    // The published card-submit activity's sender, whom the fake connector describes below.
    private const string DaveId = "29:1CFIxRJBLjT_io3iNsDZxMk_4YPWQmr3DZUM1I6ihf5L2ocCDqg9S1vkHK6kRdGfK1P_2LFE2nQqFIvdu-GBOZA";

    [Fact]
    public async Task ASlackUserActsByTheRoleTheirEmailGivesAndSomeoneInNoListIsToldWhichRoleIsNeeded()
    {
        // The fake Slack gives every user <name>@example.com.
        await using var slack = await SlackHarness.StartAsync(settings: new() { ["Access:Responders:0"] = "alice@example.com", ["Access:Leads:0"] = "carol@example.com" });

        var channel = await SlackHttp.CreateChannelAsync(slack.Slack, "general");
        await SlackHttp.CallAsync(slack.Slack, "conversations.invite", new { channel, users = "U0ALICE,U0BOB" });

        await slack.SlashCommandAsync(channel, "U0ALICE", "alice", "declare Checkout is down sev2");
        await slack.SlashCommandAsync(channel, "U0BOB", "bob", "declare Bob's incident sev2");

        await Eventually.TrueAsync(() => slack.Slack.Ephemerals.Any(e => e.User == "U0BOB"), "bob's answer");
        var refused = Assert.Single(slack.Slack.Ephemerals, e => e.User == "U0BOB");
        Assert.Contains("needs the responder role", refused.Text);
        Assert.Contains("Access:Responders", refused.Text);
        await Eventually.TrueAsync(async () => (await Incidents(slack.App)).Count == 1, "alice's incident");
        var incident = Assert.Single(await Incidents(slack.App));
        Assert.Equal("Checkout is down", incident.Title);
    }

    [Fact]
    public async Task ATeamsUserActsByTheRoleTheirEntraEmailGives()
    {
        await using var lead = await TeamsHarness.StartAsync(settings: new() { ["Access:Leads:0"] = "dave@contoso.example" });
        lead.Connector.AddMember(new(DaveId, "Dave Taniguchi", "6b703ce3-6d14-4fe6-b90c-dc5f03657ae4", "dave@contoso.example", "dave.t@contoso.example"));
        await using var nobody = await TeamsHarness.StartAsync(settings: new() { ["Access:Leads:0"] = "someone.else@contoso.example" });
        nobody.Connector.AddMember(new(DaveId, "Dave Taniguchi", "6b703ce3-6d14-4fe6-b90c-dc5f03657ae4", "dave@contoso.example", "dave.t@contoso.example"));

        Assert.Equal(HttpStatusCode.OK, (await lead.SendAsync(Command(lead, "declare Checkout is down sev2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nobody.SendAsync(Command(nobody, "declare Checkout is down sev2"))).StatusCode);

        await Eventually.TrueAsync(async () => (await Incidents(lead.App)).Count == 1, "the lead's incident");
        await Eventually.TrueAsync(() => nobody.Connector.Calls.Any(c => c.Body?.ToJsonString().Contains("needs the responder role", StringComparison.Ordinal) == true), "the refusal in the thread");
        Assert.Empty(await Incidents(nobody.App));
    }

    // The HTTP API would want a role of the test itself once Access lists are set: the store answers directly.
    private static async Task<IReadOnlyList<Incident>> Incidents(IncidentBotApplication app) =>
        await app.Services.GetRequiredService<IIncidentStore>().ListAsync(new IncidentQuery(), CancellationToken.None);

    private static JsonObject Command(TeamsHarness teams, string command)
    {
        var activity = teams.Fixture("message-card-submit-value.json");
        activity["id"] = "f:roles-" + Guid.NewGuid().ToString("N");
        activity["value"] = new JsonObject { ["command"] = command };
        return activity;
    }
}
