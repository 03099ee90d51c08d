using System.Text;
using IncidentBot.Chat;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Chat;

/// <summary>
/// The incident's header card stays true: every command that changes what it shows posts one new version of it
/// (same update key, so platforms edit it in place), a command that changes nothing on it posts none, and the
/// buttons it offers are the ones that apply now.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class HeaderCardTests
{
    private const string CardKey = "INC-1/card";

    /// <summary>Commands run first, the command under test, how many card versions it posts, and a line the card then shows.</summary>
    public static TheoryData<string[], string, int, string?> Commands => new()
    {
        { [], "ack", 1, "Status: acknowledged" },
        { [], "role comms @bob", 1, "Roles: Communications lead: @bob" },
        { [], "role ic @carol", 1, "Commander: @carol" },
        { ["role ic @carol"], "role ic @dave", 1, "Commander: @dave" },
        { [], "severity sev1", 1, "Severity: SEV1" },
        { [], "update Failing over to the replica", 1, "Last update: 20" },
        { [], "mitigate cache flushed", 1, "Status: mitigated" },
        { [], "resolve fixed", 1, "Status: resolved" },
        { [], "runbook start disk-filling-up", 1, "Runbook: Disk filling up on a node or volume: step 1 of 7" },
        { ["runbook start disk-filling-up"], "done", 1, "Runbook: Disk filling up on a node or volume: step 2 of 7" },
        { ["runbook start disk-filling-up"], "skip not here", 1, "Runbook: Disk filling up on a node or volume: step 2 of 7" },
        { ["runbook start disk-filling-up", "done"], "back", 1, "Runbook: Disk filling up on a node or volume: step 1 of 7" },
        { ["runbook start disk-filling-up"], "check 1", 0, null },
        { [], "note the graphs look odd", 0, null },
        { [], "status", 0, null },
        { ["ack"], "ack", 0, null },
        { ["resolve"], "resolve", 0, null },
        { [], "severity sev2", 0, null }, // already SEV2
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EachCommandPostsOneCardVersionWhenItChangesTheCardAndNoneOtherwise(string[] before, string command, int versions, string? shows)
    {
        await using var app = await DeclaredAsync();
        foreach (var earlier in before)
        {
            Assert.True((await app.CommandAsync(1, "alice", earlier)).Ok, earlier);
        }
        var cardsBefore = (await RoomAsync(app)).Count(m => m.UpdateKey == CardKey);

        var reply = await app.CommandAsync(1, "alice", command);

        var cards = reply.Messages.Where(m => m.UpdateKey == CardKey).ToList();
        Assert.Equal(versions, cards.Count);
        Assert.All(cards, c => Assert.Equal(("incident", "channel"), (c.Kind, c.Audience)));
        if (shows is not null)
        {
            Assert.Contains(shows, cards[0].Text);
        }
        // What went to the channels is what the reply says (the console room keeps every version it was sent).
        Assert.Equal(cardsBefore + versions, (await RoomAsync(app)).Count(m => m.UpdateKey == CardKey));
    }

    public static TheoryData<string[], string[]> Buttons => new()
    {
        { [], ["Acknowledge", "I'm incident commander", "Resolve"] },
        { ["ack"], ["I'm incident commander", "Resolve"] },
        { ["role ic @carol"], ["Acknowledge", "Resolve"] },
        { ["ack", "role ic @carol"], ["Resolve"] },
        { ["mitigate"], ["I'm incident commander", "Resolve"] },
        { ["resolve"], ["Write the review"] },
        { ["ack", "resolve"], ["Write the review"] },
        { ["role commander", "resolve", "rca", "rca complete"], [] },
    };

    [Theory]
    [MemberData(nameof(Buttons))]
    public async Task TheCardOffersOnlyTheButtonsThatApplyNow(string[] commands, string[] buttons)
    {
        await using var app = await DeclaredAsync();
        foreach (var command in commands)
        {
            Assert.True((await app.CommandAsync(1, "alice", command)).Ok, command);
        }

        var newest = (await RoomAsync(app)).Last(m => m.UpdateKey == CardKey);

        Assert.Equal(buttons, ButtonLabels(ChatMessage.FromJson(newest.MessageJson!)));
    }

    [Fact]
    public async Task AnAlertThatOpensAnIncidentAndStartsItsRunbookPostsOneCardShowingBoth()
    {
        await using var app = new IncidentBotApplication();

        await app.PostRawAsync("/webhooks/alertmanager", AlertPayloads.PostgresPrimaryDown);
        await app.WaitForProcessingAsync();

        var room = await RoomAsync(app);
        // The first version of the card already shows both; a later edit (the on-call commander from the example
        // catalog, assigned in the background) never goes back to a card without the runbook.
        var cards = room.Where(m => m.UpdateKey == CardKey).Select(m => ChatMessage.FromJson(m.MessageJson!).ToPlainText()).ToList();
        Assert.NotEmpty(cards);
        Assert.All(cards, text => Assert.Contains("Runbook: Primary database failover: step 1 of 7", text));
        Assert.Contains("Alerts: 1 firing of 1", cards[0]);
        Assert.Equal(CardKey, room[0].UpdateKey); // the card comes first, before the runbook's messages
    }

    [Fact]
    public async Task AlertsJoiningAnIncidentDoNotEditItsCardButTheLastOneResolvingDoes()
    {
        await using var app = new IncidentBotApplication();
        var first = Fixtures.Read("alerts/alertmanager/firing-two-alerts.json");
        var second = first.Replace("a1bc48475b20e73d", "a1bc48475b20e73e").Replace("c2ea85182f28cbd9", "c2ea85182f28cbda");
        await app.PostRawAsync("/webhooks/alertmanager", first);
        await app.WaitForProcessingAsync();

        // A storm's alerts joining one by one would edit the card once per alert: they wait for its next version.
        await app.PostRawAsync("/webhooks/alertmanager", second);
        await app.WaitForProcessingAsync();
        var afterJoining = (await RoomAsync(app)).Count(m => m.UpdateKey == CardKey);
        await app.PostRawAsync("/webhooks/alertmanager", Resolved(first));
        await app.WaitForProcessingAsync();
        var afterHalfResolved = (await RoomAsync(app)).Count(m => m.UpdateKey == CardKey);
        await app.PostRawAsync("/webhooks/alertmanager", Resolved(second));
        await app.WaitForProcessingAsync();

        var cards = (await RoomAsync(app)).Where(m => m.UpdateKey == CardKey).ToList();
        Assert.Equal((1, 1), (afterJoining, afterHalfResolved));
        Assert.Equal(2, cards.Count);
        Assert.Contains("Alerts: 0 firing of 4", ChatMessage.FromJson(cards[^1].MessageJson!).ToPlainText());
        Assert.Equal(4, (await app.GetIncidentAsync(1)).AlertCount);
    }

    private static string Resolved(string payload) => payload.Replace("\"status\": \"firing\"", "\"status\": \"resolved\"");

    private static List<string> ButtonLabels(ChatMessage message) =>
        message.Blocks.OfType<ButtonsBlock>().SelectMany(b => b.Buttons).Select(b => b.Label).ToList();

    private static async Task<List<(string? UpdateKey, string? MessageJson)>> RoomAsync(IncidentBotApplication app)
    {
        var rooms = app.Services.GetRequiredService<IRoomMessageStore>();
        var outbox = app.Services.GetRequiredService<IOutboxStore>();
        await Eventually.TrueAsync(async () => await outbox.PendingCountAsync() == 0, "the outbox to be delivered");
        return (await rooms.RoomOfAsync(1)).Where(m => m.MessageJson is not null)
            .Select(m => (ChatMessage.FromJson(m.MessageJson!).UpdateKey, m.MessageJson)).ToList();
    }

    private static async Task<IncidentBotApplication> DeclaredAsync()
    {
        var app = new IncidentBotApplication();
        await app.CommandAsync(null, "alice", "declare Orders DB down sev2");
        return app;
    }
}
