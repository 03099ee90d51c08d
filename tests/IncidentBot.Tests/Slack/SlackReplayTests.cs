using System.Net;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Slack.SlackHarness;

namespace IncidentBot.Tests.Slack;

/// <summary>A signed Slack request sent again — by an attacker who captured it, or twice at once — acts once and is answered 200.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class SlackReplayTests
{
    private const string IncidentChannel = "inc-1-search-down";

    public static TheoryData<string, int, bool> Replays() => new()
    {
        { "slash command", 2, false },
        { "slash command", 10, true },
        { "button", 2, false },
        { "button", 10, true },
        { "mention", 2, false },
        { "mention", 10, true },
    };

    [Theory]
    [MemberData(nameof(Replays))]
    public async Task SameSignedRequestSentAgainActsOnce(string kind, int copies, bool concurrently)
    {
        await using var slack = await StartAsync();
        var channel = await IncidentChannelAsync(slack);
        var delivery = Request(kind, channel, "note cache cleared", "Ev0REPLAY");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        // Retry headers are not signed, so copies may carry any; none may make Slack see an error.
        var answers = concurrently
            ? await Task.WhenAll(Enumerable.Range(0, copies).Select(i => slack.SendAsync(delivery, timestamp, retryNum: i == 0 ? null : i)))
            : [await slack.SendAsync(delivery, timestamp), .. await Sequentially(copies - 1, i => slack.SendAsync(delivery, timestamp, retryNum: i + 1))];
        await MarkerNoteAsync(slack, channel);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode));
        Assert.Single(await NotesAsync(slack, "cache cleared"));
    }

    [Fact]
    public async Task TenConcurrentCopiesOfACommandGetOneReply()
    {
        await using var slack = await StartAsync();
        var channel = await IncidentChannelAsync(slack);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => slack.SendAsync(SlashCommand(channel, "U0ALICE", "alice", "status"), timestamp)));
        await MarkerNoteAsync(slack, channel);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode));
        await Eventually.TrueAsync(() => slack.Slack.Ephemerals.Any(e => e.User == "U0ALICE" && e.Text!.Contains("Search down")), "the status reply");
        await Task.Delay(300);
        Assert.Single(slack.Slack.Ephemerals, e => e.User == "U0ALICE" && e.Text!.Contains("Search down"));
    }

    [Fact]
    public async Task ReplayAfterARestartStillActsOnce()
    {
        var folder = Directory.CreateTempSubdirectory("incidentbot-replay-").FullName;
        try
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Delivery delivery;
            string channel;
            await using (var before = await StartAsync(dataFolder: folder))
            {
                channel = await IncidentChannelAsync(before);
                delivery = SlashCommand(channel, "U0ALICE", "alice", "note cache cleared");
                await before.SendAsync(delivery, timestamp);
                await Eventually.TrueAsync(async () => (await NotesAsync(before, "cache cleared")).Count == 1, "the note");
            }

            await using var after = await StartAsync(dataFolder: folder);
            var (replay, _) = await after.SendAsync(delivery, timestamp);
            await MarkerNoteAsync(after, channel);

            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Single(await NotesAsync(after, "cache cleared"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ACopyOutsideTheSignatureWindowIsStillRefused()
    {
        await using var slack = await StartAsync();
        var channel = await IncidentChannelAsync(slack);
        var delivery = SlashCommand(channel, "U0ALICE", "alice", "note cache cleared");
        var old = DateTimeOffset.UtcNow.AddMinutes(-5).AddSeconds(-30).ToUnixTimeSeconds();

        var (response, _) = await slack.SendAsync(delivery, old);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Stale", await response.Content.ReadAsStringAsync());
    }

    private static Delivery Request(string kind, string channel, string command, string eventId) => kind switch
    {
        "slash command" => SlashCommand(channel, "U0ALICE", "alice", command),
        "button" => Button(channel, "U0ALICE", "alice", command),
        _ => Mention(channel, "U0ALICE", command, eventId),
    };

    private static async Task<string> IncidentChannelAsync(SlackHarness slack)
    {
        await slack.App.CommandAsync(null, "alice", "declare Search down sev2");
        // The binding, not just the channel: until the bot has stored it, a command in the channel names no incident.
        await Eventually.TrueAsync(async () => (await slack.App.GetIncidentAsync(1)).Channels.Any(c => c.Platform == "slack"), "the incident channel");
        var channel = (await slack.App.GetIncidentAsync(1)).Channels.Single(c => c.Platform == "slack").Id;
        await Fakes.SlackHttp.CallAsync(slack.Slack, "conversations.invite", new { channel, users = "U0ALICE" });
        return channel;
    }

    /// <summary>
    /// A different command sent after the copies, waited for: the work queue hands work out in order (four at a
    /// time), so copies wrongly queued were started before it, and the short wait after it lets them finish.
    /// </summary>
    private static async Task MarkerNoteAsync(SlackHarness slack, string channel)
    {
        await slack.SendAsync(SlashCommand(channel, "U0BOB", "bob", "note marker"));
        await Eventually.TrueAsync(async () => (await NotesAsync(slack, "marker")).Count == 1, "the marker note");
        await Task.Delay(200);
    }

    private static async Task<List<TimelineView>> NotesAsync(SlackHarness slack, string text) =>
        (await slack.App.GetIncidentAsync(1)).Timeline!.Where(t => t.Kind == "note" && t.Text.Contains(text)).ToList();

    private static async Task<List<T>> Sequentially<T>(int count, Func<int, Task<T>> send)
    {
        var results = new List<T>();
        for (var i = 0; i < count; i++)
        {
            results.Add(await send(i));
        }
        return results;
    }
}
