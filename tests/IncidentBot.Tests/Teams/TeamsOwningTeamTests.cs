using System.Text.Json.Nodes;
using IncidentBot.Incidents;
using IncidentBot.Tests.Catalog;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Fakes;
using static IncidentBot.Tests.Catalog.OwningTeam.OwningTeamCatalog;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// The owning team in Teams: Graph gives its General channel (<c>internalId</c>), and the bot starts a thread there
/// through the Bot Connector; invited (SEV1–2) the post @mentions each member, mentioned (SEV3–4) it is a plain post;
/// the incident's thread says so. An unknown team or a team the bot is not in is a friendly note. Cards stay valid.
/// </summary>
public sealed class TeamsOwningTeamTests : IDisposable
{
    private const string PaymentsTeam = "19b2d5ec-7a1f-4f6e-9d2c-3b0f3c0a5e11";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private CatalogFiles? _files;

    public void Dispose() => _files?.Dispose();

    private async Task<TeamsHarness> StartAsync(string team = PaymentsTeam, string componentAnnotations = "")
    {
        _files = Write(groupAnnotations: $"incidentbot.io/teams-team: {team}", componentAnnotations: componentAnnotations);
        var teams = await TeamsHarness.StartAsync(settings: new() { ["Catalog:Path"] = _files.Folder });
        teams.Graph.AddTeam(PaymentsTeam, "Payments & <Billing>");
        teams.Connector.AddMember(new("29:ann", "Ann <Lee>", "aad-ann", "ann@example.com", null));
        teams.Connector.AddMember(new("29:bo", "Bo Berg", "aad-bo", "bo@example.com", null));
        return teams;
    }

    private static FakeConversation? OwningThread(TeamsHarness teams) =>
        teams.Connector.Conversations.FirstOrDefault(c => c.ChannelId == teams.Graph.ThreadOf(PaymentsTeam));

    private static IEnumerable<string> Texts(JsonObject card) =>
        card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "TextBlock").Select(e => e!["text"]!.GetValue<string>());

    private static async Task<string> IncidentThreadTextAsync(TeamsHarness teams, string containing)
    {
        var text = "";
        await Eventually.TrueAsync(async () =>
        {
            var id = (await teams.App.Incidents.FindAsync(1))?.Channels.FirstOrDefault(c => c.Platform == "teams")?.Id;
            var thread = teams.Connector.Conversations.FirstOrDefault(c => c.Id == id);
            text = thread is null ? "" : string.Join("\n", thread.Activities.SelectMany(a => a.AdaptiveCards).SelectMany(Texts));
            return text.Contains(containing);
        }, $"'{containing}' in the incident's thread", Wait);
        return text;
    }

    [Theory]
    [InlineData("sev1", true)]
    [InlineData("sev2", true)]
    [InlineData("sev3", false)]
    [InlineData("sev4", false)]
    public async Task TheOwningTeamHearsInItsGeneralChannel(string severity, bool invited)
    {
        await using var teams = await StartAsync();

        await AlertAsync(teams.App, severity);

        var shown = severity.ToUpperInvariant();
        var outcome = await EntryAsync(teams.App, 1, "teams", TimelineKinds.Note);
        var post = Assert.Single(OwningThread(teams)!.Activities);
        var card = Assert.Single(post.AdaptiveCards);
        AdaptiveCardSchemaTests.AssertValid(card, "the owning team's card");
        Assert.Contains($"INC-1 · {shown} · checkout-api errors", Texts(card).First());
        if (invited)
        {
            Assert.Equal($"teams: payments team invited ({shown}): a post in Payments & <Billing>'s General channel, mentioning 2 members", outcome);
            Assert.Equal("<at>Ann &lt;Lee&gt;</at> <at>Bo Berg</at>", post.Text);
            var mentions = post.Json["entities"]!.AsArray().Select(e => (Id: e!["mentioned"]!["id"]!.GetValue<string>(), Text: e["text"]!.GetValue<string>())).ToList();
            Assert.Equal([("29:ann", "<at>Ann &lt;Lee&gt;</at>"), ("29:bo", "<at>Bo Berg</at>")], mentions);
            // Each mention's text is part of the activity's text, or Teams ignores it.
            Assert.All(mentions, m => Assert.Contains(m.Text, post.Text));
            Assert.Contains("You are invited", string.Join("\n", Texts(card)));
            await IncidentThreadTextAsync(teams, $"The payments team is invited ({shown})");
        }
        else
        {
            Assert.Equal($"teams: payments team mentioned ({shown}): a post in Payments & <Billing>'s General channel", outcome);
            Assert.Null(post.Json["entities"]);
            Assert.Contains("Heads-up", string.Join("\n", Texts(card)));
            await IncidentThreadTextAsync(teams, $"The payments team is told ({shown})");
        }
    }

    [Fact]
    public async Task MoreMembersThanMentionsAreCappedAcrossPages()
    {
        await using var teams = await StartAsync();
        for (var i = 0; i < 120; i++)
        {
            teams.Connector.AddMember(new($"29:m{i}", $"Member {i}", $"aad-{i}", null, null));
        }

        await AlertAsync(teams.App, "sev1");

        Assert.EndsWith("mentioning 50 members", await EntryAsync(teams.App, 1, "teams", TimelineKinds.Note));
        var post = Assert.Single(OwningThread(teams)!.Activities);
        Assert.Equal(50, post.Json["entities"]!.AsArray().Count);
    }

    public static TheoryData<string, bool, bool, string> Refusals => new()
    {
        { "0b6c0d5e-1111-4444-8888-000000000000", true, true, "teams: the payments team was not invited: Teams has no team 0b6c0d5e-1111-4444-8888-000000000000" },
        { PaymentsTeam, false, true, "teams: the payments team was not invited: the bot may not read that team: install the IncidentBot app in it" },
        { PaymentsTeam, false, false, "teams: the payments team was not mentioned: the bot may not read that team: install the IncidentBot app in it" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ATeamTheBotCannotReachIsAFriendlyNote(string team, bool canRead, bool invite, string note)
    {
        await using var teams = await StartAsync(team);
        teams.Graph.AllowTeamRead = canRead;

        await AlertAsync(teams.App, invite ? "sev2" : "sev3");

        Assert.StartsWith(note, await EntryAsync(teams.App, 1, "teams", TimelineKinds.ChatFailure));
        Assert.Null(OwningThread(teams));
        var text = await IncidentThreadTextAsync(teams, "but not in Teams");
        Assert.Contains("The payments team is", text);
        Assert.True((await teams.App.CommandAsync(1, "carol", "ack")).Ok);
    }

    [Fact]
    public async Task ThrottledGraphIsWaitedOut()
    {
        await using var teams = await StartAsync();
        teams.Graph.ThrottleNext(1);

        await AlertAsync(teams.App, "sev2");

        Assert.StartsWith("teams: payments team invited (SEV2)", await EntryAsync(teams.App, 1, "teams", TimelineKinds.Note));
        Assert.Single(OwningThread(teams)!.Activities);
    }

    [Fact]
    public async Task ATeamWithoutATeamsAnnotationIsANoteAndNoPost()
    {
        _files = Write(groupAnnotations: "incidentbot.io/slack-usergroup: payments-oncall");
        await using var teams = await TeamsHarness.StartAsync(settings: new() { ["Catalog:Path"] = _files.Folder });

        await AlertAsync(teams.App, "sev1");

        Assert.Equal("teams: the payments team has no `incidentbot.io/teams-team` in the catalog, so nobody was invited in Teams",
            await EntryAsync(teams.App, 1, "teams", TimelineKinds.Note));
        // The note is written instead of posting: nothing about the team is in the incident's thread, and it is no failure.
        var text = await IncidentThreadTextAsync(teams, "INC-1");
        Assert.DoesNotContain("payments team", text);
        Assert.DoesNotContain(await TimelineAsync(teams.App, 1), e => e.Kind == TimelineKinds.ChatFailure);
    }

    [Fact]
    public async Task RunbookOfferCardsAreValidAndTheirNamesEscaped()
    {
        // In the catalog from the start: a rewrite after start-up raced the reload (the Services API named the runbooks
        // before the worker's catalog had them).
        await using var teams = await StartAsync(componentAnnotations: "incidentbot.io/runbooks: deploy-error-spike, third-party-outage");

        await AlertAsync(teams.App, "sev2");

        await IncidentThreadTextAsync(teams, "Runbooks for checkout-api");
        var id = (await teams.App.Incidents.FindAsync(1))!.Channels.First(c => c.Platform == "teams").Id;
        var card = teams.Connector.Conversations.First(c => c.Id == id).Activities.SelectMany(a => a.AdaptiveCards).First(c => Texts(c).Any(t => t.Contains("Runbooks for")));
        AdaptiveCardSchemaTests.AssertValid(card, "the runbook offer");
        var commands = card["actions"]!.AsArray().Select(a => a!["data"]!["command"]!.GetValue<string>()).ToList();
        Assert.Equal(["runbook start deploy-error-spike", "runbook start third-party-outage"], commands);
    }
}
