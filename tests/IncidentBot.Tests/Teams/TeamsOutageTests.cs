using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams.Fakes;

namespace IncidentBot.Tests.Teams;

/// <summary>The Bot Connector answering 503 for a while, then recovering: every queued message arrives once, in order per channel.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class TeamsOutageTests
{
    [Fact]
    public async Task MessagesQueuedDuringA503OutageArriveExactlyOnceInOrderPerChannel()
    {
        await using var teams = await TeamsHarness.StartAsync();
        await teams.App.CommandAsync(null, "alice", "declare Payments failing sev2");
        await teams.App.CommandAsync(null, "alice", "declare Search slow sev3");
        await Eventually.TrueAsync(() => Thread(teams, "INC-1")?.Activities.Count >= 2 && Thread(teams, "INC-2")?.Activities.Count >= 2, "both summaries", TimeSpan.FromSeconds(20));
        var before = (Thread(teams, "INC-1")!.Activities.Count, Thread(teams, "INC-2")!.Activities.Count);

        teams.Connector.SetDown(true);
        for (var i = 1; i <= 4; i++)
        {
            await teams.App.CommandAsync(1, "alice", $"update payments step {i}");
            await teams.App.CommandAsync(2, "bob", $"update search step {i}");
        }
        await Eventually.TrueAsync(() => teams.Connector.Calls.Count(c => c.StatusCode == 503) >= 4, "the bot to meet the outage more than once");
        await Task.Delay(1_000);
        Assert.Equal(before, (Thread(teams, "INC-1")!.Activities.Count, Thread(teams, "INC-2")!.Activities.Count));
        teams.Connector.SetDown(false);

        await Eventually.TrueAsync(() => Thread(teams, "INC-1")!.Activities.Count >= before.Item1 + 4 && Thread(teams, "INC-2")!.Activities.Count >= before.Item2 + 4,
            "every queued update after the outage", TimeSpan.FromSeconds(40));
        await Task.Delay(1_000);
        Assert.Equal(["payments step 1", "payments step 2", "payments step 3", "payments step 4"], Updates(teams, "INC-1", before.Item1));
        Assert.Equal(["search step 1", "search step 2", "search step 3", "search step 4"], Updates(teams, "INC-2", before.Item2));
    }

    private static FakeConversation? Thread(TeamsHarness teams, string prefix) =>
        teams.Connector.Conversations.FirstOrDefault(c => teams.Graph.Channels.Any(ch => ch.Id == c.ChannelId && ch.DisplayName.StartsWith(prefix)));

    /// <summary>The update lines of every activity posted after the summary, in posting order: all of them, so a duplicate shows.</summary>
    private static List<string> Updates(TeamsHarness teams, string prefix, int skip) =>
        Thread(teams, prefix)!.Activities.Skip(skip)
            .Select(a => string.Join("\n", a.AdaptiveCards.SelectMany(c => c["body"]!.AsArray()).Select(e => e!["text"]?.ToString())))
            .Select(text => text.Split('\n').Single(line => line.Contains(" step ")))
            .ToList();
}
