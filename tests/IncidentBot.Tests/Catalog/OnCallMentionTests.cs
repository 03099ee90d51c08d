using System.Text;
using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.OnCall;
using IncidentBot.Slack.Messages;
using IncidentBot.Teams.Messages;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using IncidentBot.Tests.Slack.Fakes;
using IncidentBot.Tests.Teams;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// The person on-call asks is pulled in on every platform: in Slack invited into the incident channel by e-mail and
/// mentioned for real (<c>&lt;@U…&gt;</c>); in Teams mentioned with a mention entity; anywhere without an e-mail, or
/// unknown to the platform, named as text, and the message still goes out. Accept and Hand off are on the header card.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class OnCallMentionTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly CatalogFiles _files = new();

    public OnCallMentionTests() =>
        _files.Write("catalog.yaml", CatalogFiles.Group("payments") + "---\n" + CatalogFiles.Component("checkout-api", annotations: "incidentbot.io/oncall: pagerduty:schedule/P1"));

    public void Dispose() => _files.Dispose();

    private Action<IServiceCollection> OnCall(string name, string? email)
    {
        var directory = Substitute.For<IOnCallDirectory>();
        directory.LookupAsync(Arg.Any<OnCallRequest>(), Arg.Any<CancellationToken>())
            .Returns(new OnCallLookup([new OnCallPerson(name, email, 1, null, "pagerduty")], [], "pagerduty:schedule/P1", false, []));
        return s => s.AddSingleton(directory);
    }

    private static async Task AlertAsync(IncidentBotApplication app)
    {
        using var body = new StringContent("""{"title":"checkout-api errors","dedupKey":"k1","severity":"critical","labels":{"service":"checkout-api"}}""", Encoding.UTF8, "application/json");
        (await app.CreateClient().PostAsync("/webhooks/generic", body)).EnsureSuccessStatusCode();
    }

    /// <summary>E-mail the source gave → what the Slack ask starts with, and who was invited.</summary>
    public static TheoryData<string?, string, string[], bool> SlackCases => new()
    {
        { "alice@example.com", "<@U0ALICE> ", ["U0ALICE"], true },      // known to Slack: a real mention and an invite
        { "ALICE@Example.com", "<@U0ALICE> ", ["U0ALICE"], true },      // Slack matches e-mail in any case
        { "nobody@example.com", "*@nobody* ", [], true },               // unknown to Slack: plain text, no invite
        { null, "*@Pat &lt;Pager&gt;* ", [], true },                    // no e-mail: the source's name, escaped
        { "alice@example.com", "*@alice* ", [], false },                // the bot may not look up e-mails: plain text
    };

    [Theory]
    [MemberData(nameof(SlackCases))]
    public async Task InSlackTheOnCallPersonIsInvitedAndMentionedOrNamedAsText(string? email, string starts, string[] invited, bool emailScope)
    {
        var options = emailScope ? new FakeSlackOptions() : new FakeSlackOptions { UserScopes = ["users:read"] };
        await using var slack = await SlackHarness.StartAsync(options, new() { ["Catalog:Path"] = _files.Folder }, OnCall(email is null ? "Pat <Pager>" : "pat", email));

        await AlertAsync(slack.App);

        AskMessage? ask = null;
        await Eventually.TrueAsync(() => (ask = FindAsk(slack.Slack)) is not null, "the on-call ask in Slack", Wait);
        var section = ask!.Blocks!.OfType<JsonObject>().First(b => (string?)b["type"] == "section");
        var text = (string)section["text"]!["text"]!;
        Assert.StartsWith(starts, text);
        Assert.Contains("You are asked to command *INC-1*", text);
        var channel = slack.Slack.FindChannel(ask.Channel)!;
        Assert.Equal(invited, channel.Members.Where(m => m.StartsWith("U0A", StringComparison.Ordinal)).ToArray());
        // The header card offers Accept and Hand off.
        await Eventually.TrueAsync(() => slack.Slack.MessagesIn(ask.Channel).Any(m => m.Blocks?.ToJsonString().Contains("\"value\":\"accept\"") == true
            && m.Blocks.ToJsonString().Contains("\"value\":\"handoff\"")), "Accept and Hand off on the header card", Wait);
    }

    private static AskMessage? FindAsk(FakeSlackApi slack) =>
        slack.Channels.SelectMany(c => slack.MessagesIn(c.Id).Select(m => new AskMessage(c.Id, m.Blocks)))
            .FirstOrDefault(m => m.Blocks?.ToJsonString().Contains("You are asked to command") == true);

    private sealed record AskMessage(string Channel, JsonArray? Blocks);

    [Theory]
    [InlineData("ann@example.com", true)]
    [InlineData(null, false)]
    public async Task InTeamsTheOnCallPersonIsMentionedByEmailInAValidCard(string? email, bool mentioned)
    {
        await using var teams = await TeamsHarness.StartAsync(settings: new() { ["Catalog:Path"] = _files.Folder }, services: OnCall("ann", email));

        await AlertAsync(teams.App);

        JsonObject? card = null;
        await Eventually.TrueAsync(() => (card = teams.Connector.Conversations.SelectMany(c => c.Activities).SelectMany(a => a.AdaptiveCards)
            .FirstOrDefault(c => c.ToJsonString().Contains("You are asked to command"))) is not null, "the on-call ask in Teams", Wait);
        AdaptiveCardSchemaTests.AssertValid(card!, "the on-call ask");
        var first = (string)card!["body"]![0]!["text"]!;
        if (mentioned)
        {
            Assert.Equal("<at>ann</at>", first);
            var entity = Assert.Single(card["msteams"]!["entities"]!.AsArray())!;
            Assert.Equal("""{"type":"mention","text":"\u003Cat\u003Eann\u003C/at\u003E","mentioned":{"id":"ann@example.com","name":"ann"}}""", entity.ToJsonString());
        }
        else
        {
            Assert.Equal("**@ann**", first);
            Assert.Null(card["msteams"]);
        }
    }

    public static TheoryData<string, string?> Handles => new()
    {
        { "ann", "ann@example.com" },
        { "</at><at>everyone", "x@example.com" },
        { "o'brien [admin](https://evil.example)", "ob@example.com" },
        { "<!channel>", null },
        { "*bold* _it_", "b@example.com" },
    };

    /// <summary>Whatever the handle holds, Teams' card stays valid with the mention tag intact and Slack's text cannot become markup.</summary>
    [Theory]
    [MemberData(nameof(Handles))]
    public void AHandleNeverBecomesMarkup(string handle, string? email)
    {
        var message = new ChatMessage { Blocks = [new MentionBlock(handle, email, "You are asked to command **INC-1**.")] };

        var card = AdaptiveCardMessageRenderer.Card(message);
        AdaptiveCardSchemaTests.AssertValid(card, handle);
        var tag = (string)card["body"]![0]!["text"]!;
        Assert.DoesNotContain("](", tag);
        if (email is not null)
        {
            Assert.Matches("^<at>[A-Za-z0-9 ._-]+</at>$", tag);
        }
        var slack = BlockKitRenderer.Blocks(message).ToJsonString();
        Assert.DoesNotContain("<!channel>", slack);
        Assert.DoesNotContain("<https://evil", slack);
        var mentioned = BlockKitRenderer.Blocks(message, slackUsers: email is null ? null : new Dictionary<string, string> { [email] = "U123" });
        Assert.StartsWith(email is null ? "*@" : "<@U123> ", (string)mentioned[0]!["text"]!["text"]!);
    }
}
