using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Slack;

/// <summary>A drill in Slack: its own channel prefix, DRILL on every message, and only its participants invited.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackDrillTests
{
    [Fact]
    public async Task DrillChannelInvitesOnlyParticipantsAndMarksEveryMessage()
    {
        await using var slack = await SlackHarness.StartAsync(settings: new()
        {
            ["Drills:Leads:0"] = "lena",
            ["Drills:Participants:0"] = "U0BOB",
            ["Slack:InviteUsers:0"] = "U0ALICE", // on call for real incidents: must not be paged by a drill
        });

        var reply = await slack.App.CommandAsync(null, "lena", "drill run queue-backlog");

        Assert.True(reply.Ok, reply.AllText);
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn("drill-1-drill-message-queue-backlog").Count >= 3, "the drill channel with its messages");
        var channel = slack.Slack.FindChannel("drill-1-drill-message-queue-backlog")!;
        Assert.Contains("U0BOB", channel.Members);
        Assert.DoesNotContain("U0ALICE", channel.Members);
        Assert.StartsWith("DRILL · ", channel.Topic);
        Assert.All(slack.Slack.MessagesIn(channel.Id), m =>
        {
            Assert.StartsWith("[DRILL]", m.Text);
            Assert.Contains("*DRILL*", m.Blocks!.ToJsonString());
        });
    }
}
