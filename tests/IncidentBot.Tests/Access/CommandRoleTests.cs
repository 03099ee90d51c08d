using IncidentBot.Access;
using IncidentBot.Chat.Commands;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Access;

/// <summary>
/// Every chat command against every role, through <see cref="ChatCommandHandler"/>, which every platform calls: a
/// viewer reads, a responder works the incident, a lead also runs drills and completes reviews. A refusal names the
/// role and how to get it, and changes nothing.
/// </summary>
public sealed class CommandRoleTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Access:Leads:0"] = "lead@example.com",
        ["Access:Responders:0"] = "sre",
        ["Access:Viewers:0"] = "viewer@example.com",
    };

    /// <summary>Who tries: in no list, by e-mail, by group (any case), by e-mail in any case.</summary>
    private static readonly (string Name, Actor Actor, AccessRole? Role)[] People =
    [
        ("nobody", new Actor("nora") { Email = "nora@example.com", Groups = ["contractors"], Platform = "slack" }, null),
        ("viewer", new Actor("vera") { Email = "viewer@example.com", Platform = "teams" }, AccessRole.Viewer),
        ("responder", new Actor("rob") { Email = "rob@example.com", Groups = ["SRE"], Platform = "console" }, AccessRole.Responder),
        ("lead", new Actor("lena") { Email = "Lead@Example.com", Platform = "slack" }, AccessRole.Lead),
    ];

    /// <summary>One text for each command of the grammar, with the role the issue gives it.</summary>
    public static TheoryData<string, AccessRole> Commands => new()
    {
        { "status", AccessRole.Viewer },
        { "timeline", AccessRole.Viewer },
        { "oncall checkout", AccessRole.Viewer },
        { "roles", AccessRole.Viewer },
        { "runbook status", AccessRole.Viewer },
        { "runbook list", AccessRole.Viewer },
        { "help", AccessRole.Viewer },
        { "drill list", AccessRole.Viewer },
        { "declare Checkout is slow sev3", AccessRole.Responder },
        { "ack", AccessRole.Responder },
        { "page checkout-api the checkout is down", AccessRole.Responder },
        { "role scribe @rob", AccessRole.Responder },
        { "accept", AccessRole.Responder },
        { "handoff @rob", AccessRole.Responder },
        { "note the cache is cold", AccessRole.Responder },
        { "update we are on it", AccessRole.Responder },
        { "action add an alert @rob", AccessRole.Responder },
        { "severity sev2", AccessRole.Responder },
        { "runbook start database-failover", AccessRole.Responder },
        { "done", AccessRole.Responder },
        { "skip not needed", AccessRole.Responder },
        { "back", AccessRole.Responder },
        { "check 1", AccessRole.Responder },
        { "mitigate failed over", AccessRole.Responder },
        { "resolve fixed", AccessRole.Responder },
        { "rca", AccessRole.Responder },
        { "drill schedule \"0 0 10 ? * TUE\" database-failover", AccessRole.Lead },
        { "drill run database-failover", AccessRole.Lead },
        { "drill cancel d1", AccessRole.Lead },
        { "rca complete", AccessRole.Lead },
    };

    [Fact]
    public void TheTableCoversEveryCommandOfTheGrammar()
    {
        var produced = Commands.Select(row => CommandParser.Parse((string)row[0]).Command!.GetType()).ToHashSet();
        var all = typeof(ChatCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ChatCommand)) && !t.IsAbstract);
        Assert.Empty(all.Except(produced));
        Assert.Empty(CommandGrammar.Commands.Select(c => c.Verb).Except(Commands.Select(row => ((string)row[0]).Split(' ')[0])));
        // The role each command declares is the role the issue gives it.
        Assert.All(Commands, row => Assert.Equal((AccessRole)row[1], CommandParser.Parse((string)row[0]).Command!.Needs));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EachRoleRunsWhatItMayAndIsRefusedTheRestWithNothingChanged(string text, AccessRole needed)
    {
        await using var app = new IncidentBotApplication(Settings);
        var handler = app.Services.GetRequiredService<ChatCommandHandler>();
        var lead = People.Single(p => p.Name == "lead").Actor;
        Assert.False((await handler.HandleAsync(lead, "declare Checkout is down sev2", null)).IsError);
        Assert.False((await handler.HandleAsync(lead, "runbook start database-failover", 1)).IsError);
        // The console opens the incident's room in the background; once it has, only a command changes anything.
        await app.WaitForConsoleRoomAsync(1);

        // Those refused first, so what they try meets the incident as it was.
        foreach (var (name, actor, role) in People.OrderBy(p => p.Role ?? (AccessRole)(-1)))
        {
            var before = await StateAsync(app);
            var reply = await handler.HandleAsync(actor, text, 1);
            if (role >= needed)
            {
                Assert.Null(reply.NeededRole);
                Assert.DoesNotContain("role (Access:", reply.Messages.SelectMany(m => m.Blocks).OfType<IncidentBot.Chat.TextBlock>().Select(b => b.Markdown));
                continue;
            }
            Assert.Equal(needed, reply.NeededRole);
            Assert.True(reply.IsError, $"{name}: {text}");
            var said = string.Join("\n", reply.Messages.Select(m => m.ToPlainText()));
            Assert.Contains($"needs the {ApiTokens.RoleName(needed)} role ({AccessOptions.KeyOf(needed)})", said);
            Assert.Contains($"@{actor.Name}", said);
            Assert.Contains("Ask an admin", said);
            Assert.Equal(before, await StateAsync(app));
        }
    }

    [Fact]
    public async Task TheIncidentCommanderCompletesTheReviewAsALeadMayButNotAViewerWhoIsCommander()
    {
        await using var app = new IncidentBotApplication(Settings);
        var handler = app.Services.GetRequiredService<ChatCommandHandler>();
        var (_, rob, _) = People.Single(p => p.Name == "responder");
        var (_, vera, _) = People.Single(p => p.Name == "viewer");
        var other = new Actor("sam") { Groups = ["sre"] };
        await handler.HandleAsync(rob, "declare Checkout is down sev2", null);
        await handler.HandleAsync(rob, "role commander", 1);
        await handler.HandleAsync(rob, "resolve fixed", 1);
        await handler.HandleAsync(rob, "rca", 1);
        await handler.HandleAsync(rob, "declare Search is down sev2", null);
        await handler.HandleAsync(rob, "role commander @vera", 2);
        await handler.HandleAsync(rob, "resolve fixed", 2);
        await handler.HandleAsync(rob, "rca", 2);

        var notCommander = await handler.HandleAsync(other, "rca complete", 1);
        var viewerCommander = await handler.HandleAsync(vera, "rca complete", 2);
        var commander = await handler.HandleAsync(rob, "rca complete", 1);

        Assert.Equal(AccessRole.Lead, notCommander.NeededRole);
        Assert.Contains("The incident commander (@rob) may too", notCommander.Messages.Single().ToPlainText());
        Assert.Equal(AccessRole.Lead, viewerCommander.NeededRole);
        Assert.False(commander.IsError, commander.Messages.Single().ToPlainText());
        Assert.Equal(IncidentStatus.Closed, (await app.Incidents.FindAsync(1))!.Status);
        Assert.Equal(IncidentStatus.Resolved, (await app.Incidents.FindAsync(2))!.Status);
    }

    [Fact]
    public async Task SomeoneWithNoRoleLearnsNothingAboutOpenIncidents()
    {
        await using var app = new IncidentBotApplication(Settings);
        var handler = app.Services.GetRequiredService<ChatCommandHandler>();
        await handler.HandleAsync(People.Single(p => p.Name == "lead").Actor, "declare Payroll secret outage sev1", null);

        var reply = await handler.HandleAsync(People.Single(p => p.Name == "nobody").Actor, "ack", null);

        Assert.Equal(AccessRole.Responder, reply.NeededRole);
        Assert.DoesNotContain("Payroll", reply.Messages.Single().ToPlainText());
    }

    [Fact]
    public async Task WithoutAccessListsEveryoneIsAResponderAndDrillLeadsAreLeadsAsBefore()
    {
        await using var app = new IncidentBotApplication(new() { ["Drills:Leads:0"] = "lena" });
        var handler = app.Services.GetRequiredService<ChatCommandHandler>();

        Assert.False((await handler.HandleAsync("anyone", "declare Checkout is down sev2", null)).IsError);
        Assert.False((await handler.HandleAsync(new Actor("bob") { Platform = "slack" }, "ack", 1)).IsError);
        var refused = await handler.HandleAsync("bob", "drill run database-failover", null);
        var lead = await handler.HandleAsync("lena", "drill run database-failover", null);

        Assert.Equal(AccessRole.Lead, refused.NeededRole);
        Assert.Equal("Sorry @bob, `drill run` needs the lead role (Access:Leads): an admin names leads in Access:Leads (or the older Drills:Leads).", refused.Messages.Single().ToPlainText());
        Assert.False(lead.IsError, lead.Messages.Last().ToPlainText());
        Assert.Equal(2, (await app.Incidents.ListAsync(new IncidentQuery())).Count);
    }

    /// <summary>What a command could change: incidents, their status, timelines, roles and runbooks, drill schedules.</summary>
    private static async Task<string> StateAsync(IncidentBotApplication app)
    {
        var incidents = await app.Incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.All, 100));
        var parts = new List<string>();
        foreach (var incident in incidents.OrderBy(i => i.Number))
        {
            var full = (await app.Incidents.FindAsync(incident.Number))!;
            var timeline = await app.Incidents.TimelineOfAsync(incident.Number);
            parts.Add($"{full.Number}:{full.Status}:{full.Severity}:{string.Join(",", full.Roles.Select(r => r.Key + "=" + r.Value))}:" +
                $"{string.Join(",", full.RunbookSessions.Select(s => s.RunbookId + "@" + s.CurrentIndex))}:{timeline.Count}");
        }
        parts.Add("drills:" + (await app.Services.GetRequiredService<IDrillStore>().SchedulesAsync()).Count);
        return string.Join("|", parts);
    }
}
