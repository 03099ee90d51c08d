using System.Collections.Concurrent;
using IncidentBot.Chat;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// The web console's rooms: what the bot and people said, read back in order, page by page after the last id the
/// console has, exactly as written, across a restart, and without a message ever appearing behind one already read.
/// </summary>
public abstract class RoomMessageStoreContract
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-05T10:00:00Z");

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task ARoomHoldsItsOwnMessagesInAppendOrderAndKeepsThemAcrossARestart()
    {
        await using var store = await OpenAsync();
        var checkout = await StoredIncidents.AddAsync(store, "Checkout is down");
        var search = await StoredIncidents.AddAsync(store, "Search is slow");
        var rooms = store.Get<IRoomMessageStore>();
        var written = new List<RoomMessage>();
        for (var i = 0; i < 12; i++)
        {
            var message = i % 3 == 0
                ? Bot(i % 2 == 0 ? checkout : search, Start.AddSeconds(i), new ChatMessage { Blocks = [new TextBlock($"update {i}")] })
                : Person(i % 2 == 0 ? checkout : search, Start.AddSeconds(i), i % 4 == 1 ? "alice" : "bob", $"said {i}");
            await rooms.AppendAsync(message);
            written.Add(message);
        }

        await store.ReopenAsync();
        var read = await store.Get<IRoomMessageStore>().RoomOfAsync(checkout);

        var expected = written.Where(m => m.IncidentNumber == checkout).ToList();
        Assert.Equal(expected.Select(Shown), read.Select(Shown));
        Assert.True(written.Zip(written.Skip(1)).All(pair => pair.First.Id < pair.Second.Id), "ids grow in append order: " + string.Join(", ", written.Select(m => m.Id)));
        Assert.Equal(expected.Select(m => m.Id), read.Select(m => m.Id));
        Assert.Empty(await store.Get<IRoomMessageStore>().RoomOfAsync(await StoredIncidents.AddAsync(store, "Quiet")));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(1000)]
    public async Task PagesAfterTheLastIdReadEveryMessageOnceInOrder(int limit)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rooms = store.Get<IRoomMessageStore>();
        for (var i = 0; i < 25; i++)
        {
            await rooms.AppendAsync(Person(number, Start.AddSeconds(i), "alice", $"line {i}"));
        }

        var seen = new List<string>();
        long after = 0;
        for (var page = 0; page < 30; page++)
        {
            var messages = await rooms.RoomOfAsync(number, after, limit);
            Assert.True(messages.Count <= limit, $"a page of {messages.Count} for a limit of {limit}");
            if (messages.Count == 0)
            {
                break;
            }
            seen.AddRange(messages.Select(m => m.Text!));
            after = messages[^1].Id;
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"line {i}"), seen);
        Assert.Empty(await rooms.RoomOfAsync(number, after, limit));
    }

    public static TheoryData<string, ChatMessage> BotMessages() => new()
    {
        { "header", new ChatMessage { Kind = MessageKind.IncidentSummary, IncidentNumber = 1, Blocks = [new HeaderBlock("INC-1 · Checkout is down")] } },
        { "text", new ChatMessage { Blocks = [new TextBlock("**Acknowledged** by @alice — `kubectl rollout undo`")] } },
        { "fields", new ChatMessage { Kind = MessageKind.Event, Blocks = [new FieldsBlock([new MessageField("Severity", "SEV1"), new MessageField("Service", "checkout")])] } },
        { "buttons", new ChatMessage { Blocks = [new ButtonsBlock([new MessageButton("Acknowledge", "ack", ButtonStyle.Primary), new MessageButton("Resolve", "resolve", ButtonStyle.Danger)])] } },
        { "checklist", new ChatMessage { Kind = MessageKind.RunbookStep, UpdateKey = "runbook:1", Blocks = [new ChecklistBlock([new ChecklistItem("Drain the node", true, "check 1"), new ChecklistItem("Page DBA", false, "check 2")])] } },
        { "drill", new ChatMessage { IsDrill = true, Audience = MessageAudience.Requester, Blocks = [new HeaderBlock("[DRILL] INC-2"), new TextBlock("Steps:\n1. a\n2. b")] } },
        { "every block", new ChatMessage { Blocks = [new HeaderBlock("h"), new TextBlock("t"), new FieldsBlock([new MessageField("a", "b")]), new ButtonsBlock([new MessageButton("x", "y")]), new ChecklistBlock([new ChecklistItem("i", false, "c")])] } },
        { "markup and quotes", new ChatMessage { Blocks = [new HeaderBlock("</script><script>alert(\"x\")</script>"), new TextBlock("it's \"quoted\" \\ back\\slash & <b>bold</b>")] } },
        { "unicode", new ChatMessage { Blocks = [new HeaderBlock("Zahlung gestört 🚒"), new TextBlock("日本語のテキスト · émoji 👩‍🚒 · RTL עברית")] } },
        { "control characters", new ChatMessage { Blocks = [new TextBlock("tab\there\r\nnul\u0000bell\u0007")] } },
        { "empty", new ChatMessage() },
    };

    [SkippableTheory]
    [MemberData(nameof(BotMessages))]
    public async Task TheBotsMessageComesBackAsWrittenAndStillReadsAsAChatMessage(string kind, ChatMessage message)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var json = message.ToJson();
        await store.Get<IRoomMessageStore>().AppendAsync(Bot(number, Start, message));

        var read = Assert.Single(await store.Get<IRoomMessageStore>().RoomOfAsync(number));

        Assert.Equal(json, read.MessageJson);
        Assert.Null(read.Text);
        Assert.Equal("incidentbot", read.Author);
        Assert.True(json == ChatMessage.FromJson(read.MessageJson!).ToJson(), $"{kind}: {read.MessageJson}");
    }

    [SkippableTheory]
    [InlineData("ack")]
    [InlineData("")]
    [InlineData("   leading and trailing   ")]
    [InlineData("line one\nline two\r\nline three")]
    [InlineData("<img src=x onerror=alert(1)> & \"quotes\" 'single'")]
    [InlineData("Zahlung gestört · 日本語 · 👩‍🚒 · עברית")]
    [InlineData("{\"type\":\"header\",\"text\":\"looks like JSON\"}")]
    [InlineData("' OR 1=1; DROP TABLE room_messages; --")]
    public async Task WhatAPersonTypedComesBackExactly(string text)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var at = Start.AddMilliseconds(123);
        await store.Get<IRoomMessageStore>().AppendAsync(Person(number, at, "Zoë", text));

        var read = Assert.Single(await store.Get<IRoomMessageStore>().RoomOfAsync(number));

        Assert.Equal(text, read.Text);
        Assert.Null(read.MessageJson);
        Assert.Equal("Zoë", read.Author);
        Assert.Equal(at, read.At);
        Assert.Equal(number, read.IncidentNumber);
    }

    /// <summary>
    /// The console asks for what came after the last id it has. Writers appending to one room at once must not commit
    /// out of id order: a reader that has seen a later id would never be given an earlier one committed after it.
    /// </summary>
    [SkippableTheory]
    [InlineData(2, 40)]
    [InlineData(6, 15)]
    [InlineData(12, 8)]
    public async Task AReaderPollingWhileManyWriteSeesEveryMessage(int writers, int each)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rooms = store.Get<IRoomMessageStore>();
        var seen = new ConcurrentQueue<string>();
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await rooms.AppendAsync(Person(number, Start, $"writer{w}", $"{w}/{i}"));
            }
        })));
        long after = 0;
        async Task PollAsync()
        {
            foreach (var message in await rooms.RoomOfAsync(number, after))
            {
                seen.Enqueue(message.Text!);
                after = message.Id;
            }
        }
        while (!writing.IsCompleted)
        {
            await PollAsync();
        }
        await writing;
        await PollAsync();

        Assert.Equal(writers * each, seen.Count);
        Assert.Equal(writers * each, seen.Distinct().Count());
        Assert.Equal((await rooms.RoomOfAsync(number, 0, int.MaxValue)).Select(m => m.Text!), seen);
    }

    private static RoomMessage Person(int number, DateTimeOffset at, string author, string text) =>
        new() { IncidentNumber = number, At = at, Author = author, Text = text };

    private static RoomMessage Bot(int number, DateTimeOffset at, ChatMessage message) =>
        new() { IncidentNumber = number, At = at, Author = "incidentbot", MessageJson = message.ToJson() };

    private static string Shown(RoomMessage m) => $"{m.IncidentNumber} {m.At.UtcDateTime:O} {m.Author}: {m.Text ?? m.MessageJson}";
}

public sealed class RoomMessageStoreOnLiteDb : RoomMessageStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class RoomMessageStoreOnPostgres(PostgresServer server) : RoomMessageStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
