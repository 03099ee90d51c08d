using System.Net;
using System.Net.Http.Json;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Chat;

/// <summary>Every implemented chat command through <c>POST …/commands</c>, as the web console sends them.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class IncidentCommandTests
{
    [Fact]
    public async Task DeclareOpensAnIncidentWithTheGivenSeverity()
    {
        await using var app = new IncidentBotApplication();

        var reply = await app.CommandAsync(null, "alice", "declare Checkout is down sev1");

        Assert.True(reply.Ok);
        Assert.Equal(1, reply.IncidentNumber);
        Assert.Contains(reply.Messages, m => m.Kind == "incident" && m.Audience == "channel" && m.Text.Contains("INC-1 · SEV1 · Checkout is down"));
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("SEV1", incident.Severity);
        Assert.Equal("declared", incident.Timeline![0].Kind);
        Assert.Equal("alice", incident.Timeline[0].Actor);
    }

    [Fact]
    public async Task DeclareWithoutSeverityDefaultsToSev3AndSaysSo()
    {
        await using var app = new IncidentBotApplication();

        var reply = await app.CommandAsync(null, "alice", "declare Slow search");

        Assert.Contains("Severity defaults to SEV3", reply.AllText);
        Assert.Equal("SEV3", (await app.GetIncidentAsync(1)).Severity);
    }

    [Fact]
    public async Task AckAcknowledgesOnceAndASecondAckIsANoticeNotAnError()
    {
        await using var app = await WithIncidentAsync();

        var first = await app.CommandAsync(1, "bob", "ack");
        var second = await app.CommandAsync(1, "carol", "ack");

        Assert.True(first.Ok);
        Assert.Contains("@bob** acknowledged INC-1", first.AllText);
        // A second ack (often a button on a card that has changed since) is a notice for the presser, not an error.
        Assert.True(second.Ok);
        var notice = Assert.Single(second.Messages);
        Assert.Equal(("info", "requester"), (notice.Kind, notice.Audience));
        Assert.Contains("INC-1 is already acknowledged since ", notice.Text);
        Assert.Contains("there is nothing to acknowledge", notice.Text);
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("acknowledged", incident.Status);
        Assert.NotNull(incident.AcknowledgedAt);
        Assert.Single(incident.Timeline!, t => t.Kind == "acknowledged");
    }

    [Fact]
    public async Task RoleAssignsToSomeoneOrToYourselfAndShowsTheDuties()
    {
        await using var app = await WithIncidentAsync();

        var toOther = await app.CommandAsync(1, "alice", "role ic @bob");
        var toSelf = await app.CommandAsync(1, "carol", "role scribe");
        var handover = await app.CommandAsync(1, "dave", "role commander me");

        Assert.Contains("@bob** is now incident commander", toOther.AllText);
        Assert.Contains("Own the incident", toOther.AllText);
        Assert.Contains("@carol** is now scribe", toSelf.AllText);
        Assert.Contains("taking over from @bob", handover.AllText);
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("dave", incident.Roles["commander"]);
        Assert.Equal("carol", incident.Roles["scribe"]);
    }

    [Fact]
    public async Task UnknownRoleListsTheCatalogue()
    {
        await using var app = await WithIncidentAsync();

        var reply = await app.CommandAsync(1, "alice", "role captain @bob");

        Assert.False(reply.Ok);
        Assert.Contains("There is no role `captain`", reply.AllText);
        Assert.Contains("`commander`", reply.AllText);
    }

    [Fact]
    public async Task RolesShowsHoldersAndOpenRoles()
    {
        await using var app = await WithIncidentAsync();
        await app.CommandAsync(1, "alice", "role commander");

        var reply = await app.CommandAsync(1, "bob", "roles");

        Assert.Equal("requester", Assert.Single(reply.Messages).Audience);
        Assert.Contains("**Incident commander**: @alice", reply.AllText);
        Assert.Contains("**Scribe**: open — `role scribe @someone`", reply.AllText);
    }

    [Fact]
    public async Task NoteGoesOnTheTimelineOnly()
    {
        await using var app = await WithIncidentAsync();

        var reply = await app.CommandAsync(1, "alice", "note replica lag is 0s, safe to promote");

        Assert.All(reply.Messages, m => Assert.Equal("requester", m.Audience));
        Assert.Contains((await app.GetIncidentAsync(1)).Timeline!, t => t.Kind == "note" && t.Actor == "alice" && t.Text == "replica lag is 0s, safe to promote");
    }

    [Fact]
    public async Task ActionItemsAreRecordedForTheReview()
    {
        await using var app = await WithIncidentAsync();

        var reply = await app.CommandAsync(1, "alice", "action add replica lag alert @bob");
        var empty = await app.CommandAsync(1, "alice", "action");

        Assert.Contains("Action item recorded for the INC-1 review.", reply.AllText);
        Assert.Contains("Usage: `action <text> [@owner]`", empty.AllText);
        Assert.Contains((await app.GetIncidentAsync(1)).Timeline!, t => t.Kind == "action-item" && t.Actor == "alice" && t.Text == "add replica lag alert @bob");
    }

    [Fact]
    public async Task UpdateIsPostedToTheChannelAndRecorded()
    {
        await using var app = await WithIncidentAsync();

        var reply = await app.CommandAsync(1, "alice", "update Failover in progress, next update 10 min");

        Assert.Equal(["event", "incident"], reply.Messages.Select(m => m.Kind));
        var message = reply.Messages[0];
        Assert.Equal("channel", message.Audience);
        Assert.Contains("Failover in progress", message.Text);
        // The header card says when the last update went out.
        Assert.Matches(@"Last update: \d{4}-\d\d-\d\d \d\d:\d\d UTC", reply.Messages[1].Text);
        var incident = await app.GetIncidentAsync(1);
        Assert.Contains(incident.Timeline!, t => t.Kind == "status-update");
    }

    [Fact]
    public async Task SeverityChangesAndRefusesNonsense()
    {
        await using var app = await WithIncidentAsync();

        var raise = await app.CommandAsync(1, "alice", "severity sev1");
        var same = await app.CommandAsync(1, "alice", "severity SEV1");
        var nonsense = await app.CommandAsync(1, "alice", "severity huge");

        Assert.Contains("raised the severity of INC-1 from SEV2 to **SEV1**", raise.AllText);
        Assert.Contains("already SEV1", same.AllText);
        Assert.False(nonsense.Ok);
        Assert.Contains("`huge` is not a severity", nonsense.AllText);
        Assert.Equal("SEV1", (await app.GetIncidentAsync(1)).Severity);
    }

    [Fact]
    public async Task StatusShowsTheIncidentToTheRequester()
    {
        await using var app = await WithIncidentAsync();
        await app.CommandAsync(1, "alice", "role commander");

        var reply = await app.CommandAsync(1, "bob", "status");

        var message = Assert.Single(reply.Messages);
        Assert.Equal("requester", message.Audience);
        Assert.Contains("Commander: @alice", message.Text);
        Assert.Contains("Status: triggered", message.Text);
    }

    [Fact]
    public async Task MitigateThenResolveRecordTheirTimes()
    {
        await using var app = await WithIncidentAsync();

        await app.CommandAsync(1, "alice", "mitigate traffic drained to eu-2");
        var resolve = await app.CommandAsync(1, "alice", "resolve rolled back release 42");
        var again = await app.CommandAsync(1, "alice", "resolve");

        Assert.Contains("resolved INC-1: rolled back release 42", resolve.AllText);
        Assert.Contains("already resolved", again.AllText);
        var incident = await app.GetIncidentAsync(1);
        Assert.Equal("resolved", incident.Status);
        Assert.NotNull(incident.MitigatedAt);
        Assert.NotNull(incident.ResolvedAt);
        Assert.True(incident.ResolvedAt >= incident.MitigatedAt);
    }

    [Fact]
    public async Task HelpListsEveryCommand()
    {
        await using var app = new IncidentBotApplication();

        var reply = await app.CommandAsync(null, "alice", "help");

        foreach (var usage in new[] { "declare <title> [sev1-4]", "ack", "role <role> [@user]", "roles", "note <text>", "update <text>", "severity <sev1-4>", "status", "resolve [summary]" })
        {
            Assert.Contains($"`{usage}`", reply.AllText);
        }
    }

    [Fact]
    public async Task UnknownCommandGetsASuggestion()
    {
        await using var app = await WithIncidentAsync();

        var reply = await app.CommandAsync(1, "alice", "reslove");

        Assert.False(reply.Ok);
        Assert.Equal("error", reply.Messages[0].Kind);
        Assert.Contains("Did you mean `resolve`?", reply.AllText);
    }

    [Fact]
    public async Task IncidentCommandOutsideAnIncidentExplainsHowToNameOne()
    {
        await using var app = await WithIncidentAsync();

        var bare = await app.CommandAsync(null, "alice", "ack");
        var named = await app.CommandAsync(null, "alice", "INC-1 ack");
        var missing = await app.CommandAsync(null, "alice", "INC-99 ack");

        // The one open incident is the example to copy, and it is listed.
        Assert.Contains("`INC-1 ack`", bare.AllText);
        Assert.Contains("Open now: INC-1", bare.AllText);
        Assert.True(named.Ok);
        Assert.Equal("acknowledged", (await app.GetIncidentAsync(1)).Status);
        Assert.Contains("There is no incident INC-99", missing.AllText);
    }

    [Fact]
    public async Task BadRequestsGetProblemDetails()
    {
        await using var app = new IncidentBotApplication();
        var client = app.CreateClient();

        var noUser = await client.PostAsJsonAsync("/api/commands", new { text = "help" });
        var noText = await client.PostAsJsonAsync("/api/commands", new { user = "alice" });
        var missingIncident = await client.PostAsJsonAsync("/api/incidents/5/commands", new { user = "alice", text = "ack" });
        var badJson = await client.PostAsync("/api/commands", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, noUser.StatusCode);
        Assert.Contains("user is required", await noUser.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, noText.StatusCode);
        Assert.Contains("text is required", await noText.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, missingIncident.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
    }

    [Fact]
    public async Task DeclaringThroughTheApiValidatesAndReturnsTheIncident()
    {
        await using var app = new IncidentBotApplication();
        var client = app.CreateClient();

        var created = await client.PostAsJsonAsync("/api/incidents", new { title = "Payments failing", severity = "SEV2", service = "payments", user = "alice" });
        var invalid = await client.PostAsJsonAsync("/api/incidents", new { severity = "SEV9" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/incidents/1", created.Headers.Location?.ToString());
        var incident = (await created.Content.ReadFromJsonAsync<IncidentView>(Json.Options))!;
        Assert.Equal(("SEV2", "payments", "triggered"), (incident.Severity, incident.Service, incident.Status));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("title is required", problem);
        Assert.Contains("'SEV9' is not a severity", problem);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/incidents/42")).StatusCode);
    }

    private static async Task<IncidentBotApplication> WithIncidentAsync()
    {
        var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Orders DB down sev2");
        return app;
    }
}
