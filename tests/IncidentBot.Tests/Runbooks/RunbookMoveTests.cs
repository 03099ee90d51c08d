using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Runbooks;

/// <summary>
/// A runbook move posts one short line and a new version of the step card (its update key: edited in place, never
/// posted again), plus the header card when the runbook's progress on it changed. Nothing is posted twice.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class RunbookMoveTests
{
    private const string Runbook = "disk-filling-up";

    /// <summary>Commands run first, the move, its line, what the step card then shows, and whether the header card changes.</summary>
    public static TheoryData<string[], string, string, string, bool> Moves => new()
    {
        { [], "check 1", "**@alice** ticked “", "step 1 of 7", false },
        { ["check 1"], "check 1", "**@alice** unticked “", "step 1 of 7", false },
        { [], $"check {Runbook} 2", "**@alice** ticked “", "step 1 of 7", false },
        { [], "done", "**@alice** completed step 1 in ", "step 2 of 7", true },
        { [], $"done {Runbook}", "**@alice** completed step 1 in ", "step 2 of 7", true },
        { [], "next", "**@alice** completed step 1 in ", "step 2 of 7", true },
        { [], "done checked the graphs", "**@alice** completed step 1 in ", "step 2 of 7", true },
        { [], "skip", "**@alice** skipped step 1: ", "step 2 of 7", true },
        { [], "skip not on this cluster", "(not on this cluster).", "step 2 of 7", true },
        { ["done"], "back", "**@alice** went back to step 1: ", "step 1 of 7", true },
        { ["done", "done"], "check 1", "in step 3.", "step 3 of 7", false },
        { ["done", "done", "done", "done", "done", "done"], "done", "**@alice** completed step 7 in ", "Runbook finished: ", true },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public async Task EachMovePostsOneLineAndUpdatesTheStepCardInPlace(string[] before, string move, string line, string card, bool headerChanges)
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Disk full on node-3 sev2");
        var started = await app.CommandAsync(1, "alice", $"runbook start {Runbook}");
        var stepKey = started.Messages.Single(m => m.Kind == "runbook-step").UpdateKey;
        Assert.NotNull(stepKey);
        foreach (var earlier in before)
        {
            Assert.True((await app.CommandAsync(1, "alice", earlier)).Ok, earlier);
        }

        var reply = await app.CommandAsync(1, "alice", move);

        Assert.True(reply.Ok, reply.AllText);
        var posted = reply.Messages.Where(m => m.Audience == "channel").ToList();
        Assert.Equal(headerChanges ? ["event", "runbook-step", "incident"] : ["event", "runbook-step"], posted.Select(m => m.Kind));
        Assert.Contains(line, posted[0].Text);
        Assert.Null(posted[0].UpdateKey);
        Assert.DoesNotContain("\n", posted[0].Text); // one short line
        Assert.Equal(stepKey, posted[1].UpdateKey); // the same step card, edited
        Assert.Contains(card, posted[1].Text);
        Assert.Equal(1, reply.Messages.Count(m => m.Kind == "runbook-step"));
    }

    [Fact]
    public async Task StartingARunbookPostsItsIntroAndOneStepCardAndUpdatesTheHeaderCardOnce()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Disk full on node-3 sev2");

        var reply = await app.CommandAsync(1, "alice", $"runbook start {Runbook}");

        Assert.Equal(["event", "runbook-step", "incident"], reply.Messages.Select(m => m.Kind));
        Assert.Contains("Runbook: Disk filling up", reply.Messages[0].Text);
        Assert.Contains("step 1 of 7", reply.Messages[1].Text);
        Assert.Contains("Runbook: Disk filling up on a node or volume: step 1 of 7", reply.Messages[2].Text);
    }

    [Fact]
    public async Task WithTwoRunbooksRunningTheLineNamesItsRunbook()
    {
        await using var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Queue and vendor trouble sev2");
        await app.CommandAsync(1, "alice", "runbook start queue-backlog");
        await app.CommandAsync(1, "alice", "runbook start third-party-outage");

        var reply = await app.CommandAsync(1, "alice", "done queue-backlog");

        Assert.StartsWith("Message queue backlog: **@alice** completed step 1 in ", reply.Messages[0].Text);
    }
}
