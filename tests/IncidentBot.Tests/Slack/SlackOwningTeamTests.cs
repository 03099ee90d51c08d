using System.Text.Encodings.Web;
using System.Text.Json;
using IncidentBot.Incidents;
using IncidentBot.Tests.Catalog;
using IncidentBot.Tests.Catalog.OwningTeam;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack.Fakes;
using static IncidentBot.Tests.Catalog.OwningTeam.OwningTeamCatalog;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// The owning team in Slack: at SEV1–2 the members of its user group are invited into the incident channel and the
/// group is mentioned; at SEV3–4 it is only mentioned; raised later to SEV1–2 it is invited then, once. An unknown
/// group, a missing scope or a rate limit never stops the incident: the timeline says what happened.
/// </summary>
public sealed class SlackOwningTeamTests : IDisposable
{
    private static readonly FakeSlackUsergroup Payments = new("S0PAYMENTS", "payments-oncall", ["U0ALICE", "U0BOB"]);

    private CatalogFiles? _files;

    public void Dispose() => _files?.Dispose();

    private async Task<SlackHarness> StartAsync(string usergroup, FakeSlackOptions? slack = null)
    {
        _files = Write(groupAnnotations: $"incidentbot.io/slack-usergroup: {usergroup}");
        return await SlackHarness.StartAsync(slack ?? new FakeSlackOptions { Usergroups = [Payments] }, new() { ["Catalog:Path"] = _files.Folder, ["Drills:Leads:0"] = "lead" });
    }

    private static async Task<string> ChannelOfAsync(SlackHarness slack, int number)
    {
        string? id = null;
        await Eventually.TrueAsync(async () => (id = (await slack.App.Incidents.FindAsync(number))?.Channels.FirstOrDefault(c => c.Platform == "slack")?.Id) is not null, $"INC-{number}'s Slack channel");
        return id!;
    }

    private static Task<string> SlackOutcomeAsync(SlackHarness slack, int number, string kind = TimelineKinds.Note) =>
        EntryAsync(slack.App, number, "slack", kind);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every block posted in the channel, as Slack reads it (JSON that keeps <c>&lt;</c> as it is).</summary>
    private static string MentionText(SlackHarness slack, string channel) =>
        string.Join("\n", slack.Slack.MessagesIn(channel).Select(m => m.Blocks?.ToJsonString(Readable) ?? ""));

    public static TheoryData<string, string, bool> SeverityAndGroup => new()
    {
        { "sev1", "S0PAYMENTS", true },
        { "sev2", "payments-oncall", true },
        { "sev2", "S0PAYMENTS", true },
        { "sev1", "\"@payments-oncall\"", true },
        { "sev3", "S0PAYMENTS", false },
        { "sev3", "payments-oncall", false },
        { "sev4", "payments-oncall", false },
        { "sev4", "S0PAYMENTS", false },
    };

    [Theory]
    [MemberData(nameof(SeverityAndGroup))]
    public async Task TheTeamIsInvitedAtSev1And2AndMentionedAtSev3And4(string severity, string usergroup, bool invited)
    {
        await using var slack = await StartAsync(usergroup);

        await AlertAsync(slack.App, severity);

        var shown = severity.ToUpperInvariant();
        Assert.Equal($"payments team {(invited ? "invited" : "mentioned")} ({shown})", await EntryAsync(slack.App, 1, "catalog", TimelineKinds.TeamCalled));
        var outcome = await SlackOutcomeAsync(slack, 1);
        var channel = await ChannelOfAsync(slack, 1);
        await Eventually.TrueAsync(() => MentionText(slack, channel).Contains("<!subteam^S0PAYMENTS>"), "the user group's mention in the channel");
        var members = slack.Slack.FindChannel(channel)!.Members;
        if (invited)
        {
            Assert.Contains("U0ALICE", members);
            Assert.Contains("U0BOB", members);
            Assert.EndsWith(": 2 people of " + (usergroup.StartsWith('S') ? "S0PAYMENTS" : "@payments-oncall"), outcome);
        }
        else
        {
            Assert.DoesNotContain("U0ALICE", members);
            Assert.Empty(slack.Slack.CallsTo("usergroups.users.list"));
        }
        Assert.StartsWith($"slack: payments team {(invited ? "invited" : "mentioned")} ({shown})", outcome);
        // A handle is looked up once, an id never.
        Assert.Equal(usergroup.StartsWith('S') ? 0 : 1, slack.Slack.CallsTo("usergroups.list").Count);
    }

    [Theory]
    [InlineData(101, 2)]
    [InlineData(230, 3)]
    [InlineData(100, 1)]
    public async Task ManyMembersAreInvitedAHundredAtATime(int people, int calls)
    {
        var users = Enumerable.Range(1, people).Select(i => new FakeSlackUser($"U{i:D7}", $"user{i}", $"user{i}@example.com")).ToList();
        await using var slack = await StartAsync("S0PAYMENTS", new FakeSlackOptions
        {
            Users = users,
            Usergroups = [Payments with { Users = users.Select(u => u.Id).ToList() }],
        });

        await AlertAsync(slack.App, "sev1");

        Assert.EndsWith($": {people} people of S0PAYMENTS", await SlackOutcomeAsync(slack, 1));
        var channel = await ChannelOfAsync(slack, 1);
        Assert.Superset(users.Select(u => u.Id).ToHashSet(), slack.Slack.FindChannel(channel)!.Members.ToHashSet());
        var invites = slack.Slack.CallsTo("conversations.invite").Where(c => c.Arguments["channel"]!.ToString() == channel && c.Error is null).ToList();
        Assert.Equal(calls, invites.Count);
        Assert.All(invites, c => Assert.InRange(c.Arguments["users"]!.ToString().Split(',').Length, 1, 100));
    }

    public static TheoryData<string, string, string> UnknownGroups => new()
    {
        { "sev2", "nobody-here", "no Slack user group has the handle @nobody-here, so the payments team was not invited" },
        { "sev4", "nobody-here", "no Slack user group has the handle @nobody-here, so the payments team was not mentioned" },
        { "sev1", "S0UNKNOWN", "the payments team was not invited: Slack has no user group S0UNKNOWN" },
        // Disabled groups are left out of usergroups.list, as Slack does.
        { "sev3", "old-oncall", "no Slack user group has the handle @old-oncall, so the payments team was not mentioned" },
    };

    [Theory]
    [MemberData(nameof(UnknownGroups))]
    public async Task AnUnknownUserGroupIsAFriendlyNoteAndTheTeamIsNamedInWords(string severity, string usergroup, string note)
    {
        await using var slack = await StartAsync(usergroup, new FakeSlackOptions { Usergroups = [Payments, new("S0OLD", "old-oncall", ["U0ALICE"], Disabled: true)] });

        await AlertAsync(slack.App, severity);

        Assert.Equal($"slack: {note}", await SlackOutcomeAsync(slack, 1, TimelineKinds.ChatFailure));
        var channel = await ChannelOfAsync(slack, 1);
        await Eventually.TrueAsync(() => MentionText(slack, channel).Contains("The *payments* team"), "the team named in words");
        Assert.DoesNotContain("subteam", MentionText(slack, channel));
        Assert.DoesNotContain("U0ALICE", slack.Slack.FindChannel(channel)!.Members);
        // The incident goes on: commands still work in it.
        Assert.True((await slack.App.CommandAsync(1, "carol", "ack")).Ok);
    }

    [Theory]
    [InlineData("sev1", "invited")]
    [InlineData("sev4", "mentioned")]
    public async Task ATeamWithoutAUserGroupIsANoteAndNoPost(string severity, string verb)
    {
        _files = Write(groupAnnotations: "incidentbot.io/teams-team: 19b2d5ec-7a1f-4f6e-9d2c-3b0f3c0a5e11");
        await using var slack = await SlackHarness.StartAsync(new FakeSlackOptions { Usergroups = [Payments] }, new() { ["Catalog:Path"] = _files.Folder });

        await AlertAsync(slack.App, severity);

        Assert.Equal($"slack: the payments team has no `incidentbot.io/slack-usergroup` in the catalog, so nobody was {verb} in Slack", await SlackOutcomeAsync(slack, 1));
        // The note is written instead of posting: once it is there, nothing about the team reached the channel.
        var channel = await ChannelOfAsync(slack, 1);
        Assert.DoesNotContain("payments", MentionText(slack, channel));
        Assert.Empty(slack.Slack.CallsTo("usergroups.list"));
        Assert.DoesNotContain(await TimelineAsync(slack.App, 1), e => e.Kind == TimelineKinds.ChatFailure);
    }

    [Theory]
    [InlineData("payments-oncall", "sev3")]
    [InlineData("S0PAYMENTS", "sev1")]
    public async Task AMissingScopeNamesTheScopeToAdd(string usergroup, string severity)
    {
        await using var slack = await StartAsync(usergroup, new FakeSlackOptions { Usergroups = [Payments], UsergroupsRead = false });

        await AlertAsync(slack.App, severity);

        var note = await SlackOutcomeAsync(slack, 1, TimelineKinds.ChatFailure);
        Assert.Contains("the Slack app lacks the `usergroups:read` scope", note);
        Assert.Contains("docs/slack-setup.md", note);
        var channel = await ChannelOfAsync(slack, 1);
        await Eventually.TrueAsync(() => MentionText(slack, channel).Contains("The *payments* team"), "the team named in words");
    }

    [Theory]
    [InlineData("usergroups.users.list", "S0PAYMENTS")]
    [InlineData("usergroups.list", "payments-oncall")]
    [InlineData("conversations.invite", "S0PAYMENTS")]
    public async Task ARateLimitIsWaitedOutAndTheTeamIsStillInvited(string method, string usergroup)
    {
        await using var slack = await StartAsync(usergroup);
        slack.Slack.FailNext(method, 1, 429);

        await AlertAsync(slack.App, "sev2");

        Assert.StartsWith("slack: payments team invited (SEV2): 2 people of ", await SlackOutcomeAsync(slack, 1));
        var channel = await ChannelOfAsync(slack, 1);
        Assert.Contains("U0ALICE", slack.Slack.FindChannel(channel)!.Members);
        Assert.Contains(slack.Slack.CallsTo(method), c => c.StatusCode == 429);
        Assert.DoesNotContain(await TimelineAsync(slack.App, 1), e => e.Kind == TimelineKinds.ChatFailure);
        // Waited out, not posted twice.
        Assert.Single(slack.Slack.MessagesIn(channel), m => m.Blocks?.ToJsonString().Contains("subteam") == true);
    }

    [Fact]
    public async Task RaisingTheSeverityInvitesAMentionedTeamOnce()
    {
        await using var slack = await StartAsync("payments-oncall");
        await AlertAsync(slack.App, "sev3");
        await SlackOutcomeAsync(slack, 1);
        var channel = await ChannelOfAsync(slack, 1);
        Assert.DoesNotContain("U0ALICE", slack.Slack.FindChannel(channel)!.Members);

        Assert.True((await slack.App.CommandAsync(1, "carol", "severity sev2")).Ok);

        await EntryAsync(slack.App, 1, "catalog", TimelineKinds.TeamCalled, t => t == "payments team invited (SEV2)");
        await Eventually.TrueAsync(() => slack.Slack.FindChannel(channel)!.Members.Contains("U0ALICE"), "the team invited after the raise");
        Assert.True((await slack.App.CommandAsync(1, "carol", "severity sev1")).Ok);
        // One worker takes changes in order: once INC-2 called its team, the raise to SEV1 was seen too.
        await AlertAsync(slack.App, "sev3", key: "k2", alertname: "Other");
        await EntryAsync(slack.App, 2, "catalog", TimelineKinds.TeamCalled);
        Assert.Equal(2, await CountAsync(slack.App, 1, TimelineKinds.TeamCalled));
        Assert.Single(slack.Slack.CallsTo("usergroups.users.list"));
    }

    [Fact]
    public async Task ADrillAndADeclaredIncidentCallNobody()
    {
        await using var slack = await StartAsync("S0PAYMENTS");

        Assert.True((await slack.App.CommandAsync(null, "lead", "drill run deploy-error-spike")).Ok);
        Assert.True((await slack.App.CommandAsync(null, "bob", "declare checkout-api is slow sev1")).Ok);
        await AlertAsync(slack.App, "sev1");

        // One worker takes incidents in order: once INC-3 called its team, INC-1 and INC-2 were seen and left alone.
        await EntryAsync(slack.App, 3, "catalog", TimelineKinds.TeamCalled);
        await SlackOutcomeAsync(slack, 3);
        Assert.Equal(0, await CountAsync(slack.App, 1, TimelineKinds.TeamCalled));
        Assert.Equal(0, await CountAsync(slack.App, 2, TimelineKinds.TeamCalled));
        Assert.Single(slack.Slack.CallsTo("usergroups.users.list"));
        var drillChannel = await ChannelOfAsync(slack, 1);
        Assert.DoesNotContain("U0ALICE", slack.Slack.FindChannel(drillChannel)!.Members);
    }

    [Fact]
    public async Task TheRunbookOfferEscapesNamesAndItsStartButtonWalksTheRunbook()
    {
        var runbooks = Directory.CreateTempSubdirectory("runbooks-");
        try
        {
            File.WriteAllText(Path.Combine(runbooks.FullName, "odd.md"), "---\nid: odd-title\ntitle: Fix <!channel> *now* & <https://evil.example|here>\n---\n# Odd\nWhy.\n\n## Look\nLook around.\n");
            _files = Write(componentAnnotations: "incidentbot.io/runbooks: odd-title, deploy-error-spike");
            await using var slack = await SlackHarness.StartAsync(new FakeSlackOptions { Usergroups = [Payments] },
                new() { ["Catalog:Path"] = _files.Folder, ["Runbooks:Path"] = runbooks.FullName });

            await AlertAsync(slack.App, "sev2");

            var channel = await ChannelOfAsync(slack, 1);
            await Eventually.TrueAsync(() => MentionText(slack, channel).Contains("Runbooks for checkout-api"), "the runbook offer");
            var offer = slack.Slack.MessagesIn(channel).Single(m => m.Blocks?.ToJsonString(Readable).Contains("Runbooks for") == true).Blocks!.ToJsonString(Readable);
            Assert.Contains("Fix &lt;!channel&gt; *now* &amp; &lt;https://evil.example|here&gt;", offer);
            Assert.DoesNotContain("<!channel>", offer);
            Assert.DoesNotContain("<https://evil", offer);
            // Only the runbook the library has; deploy-error-spike is not in this folder.
            Assert.DoesNotContain("deploy-error-spike", offer);

            var (response, _) = await slack.ButtonAsync(channel, "U0ALICE", "alice", "runbook start odd-title");

            Assert.True(response.IsSuccessStatusCode);
            await Eventually.TrueAsync(async () => (await slack.App.Incidents.FindAsync(1))!.RunbookSessions.Any(s => s.RunbookId == "odd-title"), "the runbook to start from its button");
        }
        finally
        {
            runbooks.Delete(recursive: true);
        }
    }
}
