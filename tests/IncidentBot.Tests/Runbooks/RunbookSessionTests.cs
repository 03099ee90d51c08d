using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Runbooks;

/// <summary>Walking runbooks through the HTTP command endpoint, as a responder would.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class RunbookSessionTests
{
    [Fact]
    public async Task MatchingAlertStartsTheRightRunbookByItself()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await app.WaitForProcessingAsync();

        var incident = await app.GetIncidentAsync(1);
        var session = Assert.Single(incident.RunbookSessions!);
        Assert.Equal(("database-failover", 1, "incidentbot"), (session.RunbookId, session.CurrentStep, session.StartedBy));
        Assert.Equal("current", session.Steps[0].State);
        Assert.Contains(incident.Timeline!, t => t.Kind == "runbook-started" && t.Text.Contains("started by a matching alert"));
    }

    [Fact]
    public async Task AlertThatMatchesNoRunbookStartsNone()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));
        await app.WaitForProcessingAsync();

        Assert.Empty((await app.GetIncidentAsync(1)).RunbookSessions!);
    }

    [Fact]
    public async Task StartShowsTheFirstStepWithChecklistAndButtons()
    {
        await using var app = await DeclaredAsync();

        var reply = await app.CommandAsync(1, "alice", "runbook start disk-filling-up");

        Assert.True(reply.Ok);
        var step = reply.Messages.Single(m => m.Kind == "runbook-step");
        Assert.Contains("INC-1 · Disk filling up on a node or volume — step 1 of 7: Confirm which filesystem and how fast", step.Text);
        Assert.Contains("```bash", step.Text);
        Assert.Contains("☐ ", step.Text);
        var blockTypes = step.Blocks.Select(b => b.GetProperty("type").GetString()).ToList();
        Assert.Equal(["header", "text", "checklist", "buttons"], blockTypes);
        var buttons = step.Blocks.Last().GetProperty("buttons").EnumerateArray().Select(b => b.GetProperty("command").GetString()).ToList();
        Assert.Equal(["done disk-filling-up", "skip disk-filling-up"], buttons); // no Back on the first step
    }

    [Fact]
    public async Task DoneSkipWithReasonBackAndChecklistAreRecordedWithPeopleAndTimes()
    {
        await using var app = await DeclaredAsync();
        await app.CommandAsync(1, "alice", "runbook start tls-certificate-expiring");

        var tick = await app.CommandAsync(1, "alice", "check 1");
        var done = await app.CommandAsync(1, "alice", "done");
        var skip = await app.CommandAsync(1, "bob", "skip cert-manager not used here");
        var back = await app.CommandAsync(1, "bob", "back");
        var redo = await app.CommandAsync(1, "carol", "next");

        Assert.All([tick, done, skip, back, redo], r => Assert.True(r.Ok, r.AllText));
        Assert.Contains("☑ ", tick.AllText);
        Assert.Contains("step 2 of 7", done.AllText);
        Assert.Contains("step 3 of 7", skip.AllText);
        Assert.Contains("step 2 of 7", back.AllText);
        var session = Assert.Single((await app.GetIncidentAsync(1)).RunbookSessions!);
        Assert.Equal(3, session.CurrentStep);
        Assert.Equal(("done", "alice"), (session.Steps[0].State, session.Steps[0].By));
        Assert.True(session.Steps[0].Checklist[0].Checked);
        Assert.Equal("alice", session.Steps[0].Checklist[0].By);
        Assert.NotNull(session.Steps[0].DurationSeconds);
        Assert.Equal(("done", "carol"), (session.Steps[1].State, session.Steps[1].By)); // redone after `back`
        Assert.Null(session.Steps[1].Note); // the skip reason went with the undone skip
        var timeline = (await app.GetIncidentAsync(1)).Timeline!;
        Assert.Contains(timeline, t => t.Kind == "step-skipped" && t.Actor == "bob" && t.Text.EndsWith("(cert-manager not used here)"));
        Assert.Contains(timeline, t => t.Kind == "step-back" && t.Actor == "bob");
        Assert.Contains(timeline, t => t.Kind == "checklist" && t.Text.Contains("ticked"));
    }

    [Fact]
    public async Task FinishingTheRunbookShowsEveryStepsPersonAndDuration()
    {
        await using var app = await DeclaredAsync();
        await app.CommandAsync(1, "alice", "runbook start deploy-error-spike");

        CommandResult last = null!;
        for (var step = 1; step <= 6; step++)
        {
            last = await app.CommandAsync(1, step == 3 ? "bob" : "alice", step == 3 ? "skip flag not deployed yet" : "done");
        }

        Assert.Contains("Runbook finished: Error-rate spike after a deploy", last.AllText);
        Assert.Contains("1. ✓", last.AllText);
        Assert.Contains("— @alice, ", last.AllText);
        Assert.Contains("skipped by @bob: flag not deployed yet", last.AllText);
        var session = Assert.Single((await app.GetIncidentAsync(1)).RunbookSessions!);
        Assert.Null(session.CurrentStep);
        Assert.NotNull(session.CompletedAt);
        Assert.All(session.Steps, s => Assert.NotNull(s.CompletedAt));
        Assert.Equal("skipped: flag not deployed yet", session.Steps[2].Note);
        var again = await app.CommandAsync(1, "alice", "done");
        Assert.Contains("No runbook is running in INC-1", again.AllText);
    }

    [Fact]
    public async Task TwoSessionsRunSideBySideAndAmbiguousCommandsAskWhichOne()
    {
        await using var app = await DeclaredAsync();
        await app.CommandAsync(1, "alice", "runbook start queue-backlog");
        await app.CommandAsync(1, "alice", "runbook start third-party-outage");

        var ambiguous = await app.CommandAsync(1, "alice", "done");
        var named = await app.CommandAsync(1, "alice", "done queue-backlog");
        var skipNamed = await app.CommandAsync(1, "alice", "skip third-party-outage vendor confirmed on status page");
        var status = await app.CommandAsync(1, "alice", "runbook status");
        var duplicate = await app.CommandAsync(1, "alice", "runbook start queue-backlog");

        Assert.False(ambiguous.Ok);
        Assert.Contains("2 runbooks are running (`queue-backlog`, `third-party-outage`)", ambiguous.AllText);
        Assert.Contains("Message queue backlog", named.AllText);
        Assert.Contains("step 2 of", named.AllText);
        Assert.Contains("step 2 of", skipNamed.AllText);
        Assert.Contains("`queue-backlog`", status.AllText);
        Assert.Contains("`third-party-outage`", status.AllText);
        Assert.Contains("already running", duplicate.AllText);
        var sessions = (await app.GetIncidentAsync(1)).RunbookSessions!;
        Assert.Equal("vendor", sessions[1].Steps[0].Note!.Split(' ')[1]);
    }

    [Fact]
    public async Task UnknownRunbookAndBadChecklistItemGetHelpfulAnswers()
    {
        await using var app = await DeclaredAsync();

        var unknown = await app.CommandAsync(1, "alice", "runbook start reboot-everything");
        await app.CommandAsync(1, "alice", "runbook start disk-filling-up");
        var badItem = await app.CommandAsync(1, "alice", "check 42");
        var list = await app.CommandAsync(null, "alice", "runbook list");

        Assert.Contains("There is no runbook `reboot-everything`. Runbooks: `database-failover`", unknown.AllText);
        Assert.Contains("Say which item to tick, 1 to", badItem.AllText);
        Assert.Contains("`database-failover` Primary database failover (7 steps; starts on alertname=PostgresPrimaryDown)", list.AllText);
    }

    [Fact]
    public async Task RunbookEditedMidSessionDoesNotChangeTheSession()
    {
        var folder = Directory.CreateTempSubdirectory("runbooks-edit-").FullName;
        var file = Path.Combine(folder, "restart.md");
        await File.WriteAllTextAsync(file, "---\nid: restart\ntitle: Restart the service\n---\n# Restart the service\n## Drain traffic\nDrain it.\n## Restart\nRestart it.\n## Verify\nCheck it.\n");
        await using var app = new IncidentBotApplication(new() { ["Runbooks:Path"] = folder });
        await app.CommandAsync(null, "alice", "declare API down sev2");
        await app.CommandAsync(1, "alice", "runbook start restart");

        await File.WriteAllTextAsync(file, "---\nid: restart\ntitle: Restart the service v2\n---\n# Restart the service v2\n## Something entirely new\nNew.\n");
        await Eventually.TrueAsync(async () => (await app.CommandAsync(null, "x", "runbook list")).AllText.Contains("v2"), "the library to reload the edited file");
        var next = await app.CommandAsync(1, "alice", "done");
        var final = await app.CommandAsync(1, "alice", "done");

        Assert.Contains("step 2 of 3: Restart", next.AllText);
        Assert.Contains("Restart it.", next.AllText);
        Assert.Contains("step 3 of 3: Verify", final.AllText);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<IncidentBotApplication> DeclaredAsync()
    {
        var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Platform trouble sev2");
        return app;
    }
}
