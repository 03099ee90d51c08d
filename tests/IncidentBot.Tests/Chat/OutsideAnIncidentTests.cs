using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Chat;

/// <summary>
/// An incident command typed outside any incident (a general channel, the console's command box, the API) answers
/// how to name the incident, with the open incidents it could mean, and changes nothing.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class OutsideAnIncidentTests
{
    public static TheoryData<string> IncidentCommands =>
    [
        "ack", "resolve fixed the pool", "mitigate rolled back", "note looking at the pool", "update all good now",
        "action add an alert @bob", "severity sev1", "role commander @bob", "roles", "status", "done", "skip", "back",
        "check 1", "runbook start db-failover", "runbook status", "rca", "rca complete",
    ];

    [Theory]
    [MemberData(nameof(IncidentCommands))]
    public async Task WithNothingOpenItSaysHowToNameAnIncident(string command)
    {
        await using var app = new IncidentBotApplication();

        var reply = await app.CommandAsync(null, "alice", command);

        Assert.False(reply.Ok);
        Assert.Contains("works inside an incident", reply.AllText);
        Assert.Contains($"`INC-42 {command}`", reply.AllText);
        Assert.Contains("No incident is open right now", reply.AllText);
    }

    [Theory]
    [MemberData(nameof(IncidentCommands))]
    public async Task WithIncidentsOpenItNamesThemAndChangesNothing(string command)
    {
        await using var app = new IncidentBotApplication();
        await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout errors","dedupKey":"checkout"}""");
        await app.PostRawAsync("/webhooks/generic", """{"title":"Search slow","dedupKey":"search"}""");
        await app.WaitForProcessingAsync();

        var reply = await app.CommandAsync(null, "alice", command);

        Assert.False(reply.Ok);
        Assert.Contains($"`INC-2 {command}`", reply.AllText);
        Assert.Contains("Open now: INC-2 (Search slow), INC-1 (Checkout errors).", reply.AllText);
        foreach (var number in new[] { 1, 2 })
        {
            var after = await app.GetIncidentAsync(number);
            Assert.Equal("triggered", after.Status);
            Assert.DoesNotContain(after.Timeline!, e => e.Actor == "alice");
        }
    }

    [Fact]
    public async Task ManyOpenIncidentsAreCutToTheNewestFive()
    {
        await using var app = new IncidentBotApplication();
        for (var i = 1; i <= 7; i++)
        {
            await app.PostRawAsync("/webhooks/generic", $$"""{"title":"Problem {{i}}","dedupKey":"key-{{i}}"}""");
        }
        await app.WaitForProcessingAsync();

        var reply = await app.CommandAsync(null, "alice", "ack");

        Assert.Contains("`INC-7 ack`", reply.AllText);
        Assert.Contains("Open now: INC-7 (Problem 7), INC-6 (Problem 6), INC-5 (Problem 5), INC-4 (Problem 4), INC-3 (Problem 3), and more.", reply.AllText);
    }

    [Fact]
    public async Task NamingTheIncidentWorks()
    {
        await using var app = new IncidentBotApplication();
        await app.PostRawAsync("/webhooks/generic", """{"title":"Checkout errors","dedupKey":"checkout"}""");
        await app.WaitForProcessingAsync();

        var reply = await app.CommandAsync(null, "alice", "INC-1 ack");

        Assert.True(reply.Ok, reply.AllText);
        Assert.Equal("acknowledged", (await app.GetIncidentAsync(1)).Status);
    }
}
