using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Chat;

/// <summary>
/// A button pressed on a card that has changed since (an old message, another person's client not yet updated)
/// asks for what is already so: the presser gets a friendly, specific notice, nothing is posted or recorded, and it
/// is never an error.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class StaleButtonTests
{
    private static readonly string[] Finished = ["runbook start deploy-error-spike", .. Enumerable.Repeat("done", 6)];

    /// <summary>What happened first, the stale press, and what the notice says.</summary>
    public static TheoryData<string[], string, string[]> Presses => new()
    {
        { ["ack"], "ack", ["INC-1 is already acknowledged since 20", "nothing to acknowledge"] },
        { ["mitigate"], "ack", ["INC-1 is already mitigated since 20", "nothing to acknowledge"] },
        { ["resolve"], "ack", ["INC-1 is already resolved since 20", "nothing to acknowledge", "The incident's card shows what can be done now."] },
        { ["role commander", "resolve", "rca", "rca complete"], "ack", ["INC-1 is already closed since 20", "nothing to acknowledge"] },
        { ["resolve"], "resolve", ["INC-1 is already resolved since 20", "nothing to resolve"] },
        { ["resolve"], "resolve fixed it", ["INC-1 is already resolved since 20", "nothing to resolve"] },
        { ["ack", "resolve"], "resolve", ["INC-1 is already resolved since 20", "nothing to resolve"] },
        { ["resolve"], "mitigate", ["INC-1 is already resolved since 20", "nothing to mitigate"] },
        { ["mitigate"], "mitigate", ["INC-1 is already mitigated since 20", "nothing to mitigate"] },
        { ["resolve"], "role commander", ["INC-1 is resolved since 20", "roles can no longer change"] },
        { ["resolve"], "role comms @bob", ["INC-1 is resolved since 20", "roles can no longer change"] },
        { ["role commander"], "role commander", ["@alice is already incident commander of INC-1."] },
        { ["severity sev1"], "severity sev1", ["INC-1 is already SEV1."] },
        { Finished, "done deploy-error-spike", ["No runbook is running in INC-1: `deploy-error-spike` finished at 20", "nothing left to do"] },
        { Finished, "skip deploy-error-spike", ["`deploy-error-spike` finished at 20"] },
        { Finished, "back deploy-error-spike", ["`deploy-error-spike` finished at 20"] },
        { Finished, "check deploy-error-spike 1", ["`deploy-error-spike` finished at 20"] },
        { Finished, "done", ["`deploy-error-spike` finished at 20"] },
    };

    [Theory]
    [MemberData(nameof(Presses))]
    public async Task AStalePressGetsAFriendlyNoticeAndChangesNothing(string[] before, string press, string[] says)
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Orders DB down sev2");
        foreach (var command in before)
        {
            Assert.True((await app.CommandAsync(1, "alice", command)).Ok, command);
        }
        // The console opens the incident's room in the background; once it has, only the press could change anything.
        await app.WaitForConsoleRoomAsync(1);
        var timeline = Lines(await app.GetIncidentAsync(1));

        var reply = await app.CommandAsync(1, "alice", press);

        Assert.True(reply.Ok, reply.AllText);
        var notice = Assert.Single(reply.Messages);
        Assert.Equal(("info", "requester"), (notice.Kind, notice.Audience));
        Assert.All(says, s => Assert.Contains(s, notice.Text));
        Assert.Equal(timeline, Lines(await app.GetIncidentAsync(1)));
    }

    private static List<string> Lines(IncidentView incident) => incident.Timeline!.Select(e => $"{e.Kind} by {e.Actor}: {e.Text}").ToList();

    [Fact]
    public async Task ARunbookCommandWithNoRunbookEverStartedIsStillARefusal()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Orders DB down sev2");

        var reply = await app.CommandAsync(1, "alice", "done");

        Assert.False(reply.Ok);
        Assert.Contains("No runbook is running in INC-1. Start one with `runbook start <id>`", reply.AllText);
    }
}
