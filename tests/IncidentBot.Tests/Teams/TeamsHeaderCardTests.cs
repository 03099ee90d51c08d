using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Fakes;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// In Teams the incident's header card is one activity, updated in place whenever what it shows changes; every
/// version is valid Adaptive Cards 1.5 and offers only the actions that apply.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TeamsHeaderCardTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheHeaderCardActivityIsUpdatedAfterAckRoleSeverityAndResolveAndEveryVersionIsValid()
    {
        await using var teams = await TeamsHarness.StartAsync();
        await teams.App.CommandAsync(null, "alice", "declare Checkout errors sev2");
        await Eventually.TrueAsync(() => Thread(teams)?.Activities.Count >= 2, "the header card", Wait);
        var card = Thread(teams)!.Activities[1];
        Assert.Equal(["Acknowledge", "I'm incident commander", "Resolve"], Actions(card.AdaptiveCards[0]));

        foreach (var (command, shows) in new[]
        {
            ("ack", "acknowledged"), ("role ic @bob", "@bob"), ("role scribe @carol", "Scribe: @carol"), ("severity sev1", "SEV1"), ("resolve", "resolved"),
        })
        {
            Assert.True((await teams.App.CommandAsync(1, "alice", command)).Ok, command);
            await Eventually.TrueAsync(() => Current(teams, card.Id).Json.ToJsonString().Contains(shows), $"the card to show {shows} after {command}", Wait);
        }

        var resolved = Current(teams, card.Id);
        Assert.Equal(["Write the review"], Actions(resolved.AdaptiveCards[0]));
        Assert.Equal(5, resolved.History.Count); // one update per change, on the one activity
        Assert.Single(Thread(teams)!.Activities, a => ((string?)a.Json["summary"])?.StartsWith("INC-1 · ", StringComparison.Ordinal) == true);
        foreach (var version in resolved.History.Append(resolved.Json))
        {
            AdaptiveCardSchemaTests.AssertValid(CardOf(version), "a version of the header card");
        }
        Assert.Contains("Acknowledge", CardOf(resolved.History[0]).ToJsonString());
        Assert.DoesNotContain("Acknowledge", CardOf(resolved.History[1]).ToJsonString());
        Assert.Contains(teams.Connector.Calls, c => c.Method == "PUT" && c.Path.EndsWith($"/activities/{card.Id}", StringComparison.Ordinal));
    }

    private static FakeConversation? Thread(TeamsHarness teams) =>
        teams.Connector.Conversations.FirstOrDefault(c => teams.Graph.Channels.Any(ch => ch.Id == c.ChannelId && ch.DisplayName.StartsWith("INC-1 ", StringComparison.Ordinal)));

    private static FakeActivity Current(TeamsHarness teams, string id) => Thread(teams)!.Activities.Single(a => a.Id == id);

    private static JsonObject CardOf(JsonObject activity) =>
        activity["attachments"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["contentType"] == "application/vnd.microsoft.card.adaptive")["content"]!.AsObject();

    private static List<string> Actions(JsonObject card) =>
        (card["actions"] as JsonArray ?? []).OfType<JsonObject>().Select(a => (string)a["title"]!).ToList();
}
