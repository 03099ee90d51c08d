using System.Collections.Concurrent;
using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace IncidentBot.Tests.Chat;

/// <summary>Incident messages reach chat platforms through the durable outbox: in order, retried, never blocking.</summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class OutboxDeliveryTests
{
    private readonly IChatChannelProvisioner _provisioner = Substitute.For<IChatChannelProvisioner>();
    private readonly IChatMessageSender _sender = Substitute.For<IChatMessageSender>();
    private readonly ConcurrentQueue<string> _delivered = new();

    public OutboxDeliveryTests()
    {
        _provisioner.Platform.Returns("fakechat");
        _sender.Platform.Returns("fakechat");
        _provisioner.OpenChannelAsync(Arg.Any<Incident>(), Arg.Any<CancellationToken>())
            .Returns(ci => new ChannelBinding("fakechat", $"C{ci.Arg<Incident>().Number}", $"#inc-{ci.Arg<Incident>().Number}"));
        _sender.SendAsync(Arg.Any<ChannelBinding>(), Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                _delivered.Enqueue($"{ci.Arg<ChannelBinding>().Id}: {ci.Arg<ChatMessage>().ToPlainText()}");
                return Task.CompletedTask;
            });
    }

    [Fact]
    public async Task NewIncidentGetsAChannelAndItsMessagesInOrder()
    {
        await using var app = NewApp();

        await app.PostRawAsync("/webhooks/alertmanager", Fixtures.Read("alerts/alertmanager/firing-two-alerts.json"));
        await app.WaitForProcessingAsync();
        await app.CommandAsync(1, "alice", "ack");
        await app.CommandAsync(1, "alice", "update first update");
        await app.CommandAsync(1, "alice", "update second update");

        await Eventually.TrueAsync(() => _delivered.Any(d => d.Contains("second update")), "the second update");
        // The header card goes first, with the first alert's own words; its later versions (after the ack, after an
        // update) come between the rest.
        var delivered = _delivered.ToArray();
        Assert.StartsWith("C1: INC-1 · SEV1 · High CPU core temperature", delivered[0]);
        Assert.Contains("CPU core temperature is 34.75C", delivered[0]); // the first alert's description
        var (rest, cardVersions) = WithoutCardVersions(delivered);
        Assert.Equal(4, rest.Count);
        Assert.StartsWith("C1: INC-1: **1 more alert** firing · now 2 firing of 2", rest[0]); // the fixture's second alert
        Assert.Contains("acknowledged INC-1", rest[1]);
        Assert.Contains("first update", rest[2]);
        Assert.Contains("second update", rest[3]);
        Assert.Contains("Status: acknowledged", cardVersions[0]);
        // A later version of the card keeps the first alert's own words.
        Assert.All(cardVersions, card => Assert.Contains("CPU core temperature is 34.75C", card));
        var incident = await app.GetIncidentAsync(1);
        Assert.Contains(new ChannelView("fakechat", "C1", "#inc-1"), incident.Channels);
        Assert.Contains(new ChannelView("web", "INC-1", "INC-1 room"), incident.Channels);
        Assert.Contains(incident.Timeline!, t => t.Kind == "channel-opened");
    }

    [Fact]
    public async Task TransientFailuresAreRetriedWithNothingLostOrDuplicatedAndOrderKept()
    {
        var failures = 0;
        _sender.SendAsync(Arg.Any<ChannelBinding>(), Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                if (Interlocked.Increment(ref failures) <= 3)
                {
                    throw new ChatDeliveryException("503 Service Unavailable", retryAfter: TimeSpan.FromMilliseconds(30));
                }
                _delivered.Enqueue(ci.Arg<ChatMessage>().ToPlainText());
                return Task.CompletedTask;
            });
        await using var app = NewApp();

        await app.CommandAsync(null, "alice", "declare Payments failing sev2");
        for (var i = 1; i <= 5; i++)
        {
            await app.CommandAsync(1, "alice", $"update step {i}");
        }

        await Eventually.TrueAsync(() => _delivered.Any(d => d.Contains("step 5")), "the fifth update");
        await Task.Delay(200);
        var delivered = _delivered.ToArray();
        Assert.Contains("Payments failing", delivered[0]);
        // Between the updates, the header card's new versions (its last update time, to the minute); none twice in a row.
        var (updates, cards) = WithoutCardVersions(delivered);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"step {i}"), updates.Select(d => d.Split('\n')[1]));
        Assert.NotEmpty(cards);
        Assert.All(cards.Zip(cards.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task PlatformDownStillOpensTheIncidentAndCatchesUpWhenItAnswers()
    {
        var platformUp = false;
        _provisioner.OpenChannelAsync(Arg.Any<Incident>(), Arg.Any<CancellationToken>())
            .Returns(ci => Volatile.Read(ref platformUp)
                ? Task.FromResult(new ChannelBinding("fakechat", "C1", "#inc-1"))
                : throw new HttpRequestException("connection refused"));
        await using var app = NewApp();

        await app.CommandAsync(null, "alice", "declare Search down sev2");
        var ack = await app.CommandAsync(1, "bob", "ack");
        await app.CommandAsync(1, "bob", "update investigating");
        await Task.Delay(300);

        Assert.True(ack.Ok);
        Assert.Equal("acknowledged", (await app.GetIncidentAsync(1)).Status);
        Assert.Empty(_delivered);

        Volatile.Write(ref platformUp, true);
        await Eventually.TrueAsync(() => _delivered.Any(d => d.Contains("investigating")), "the queued messages after recovery");
        await Task.Delay(200);
        Assert.Contains("Search down", _delivered.ElementAt(0));
        var (rest, cards) = WithoutCardVersions(_delivered.ToArray());
        Assert.Equal(2, rest.Count);
        Assert.Contains("acknowledged", rest[0]);
        Assert.Contains("investigating", rest[1]);
        Assert.Contains("Status: acknowledged", cards[0]);
    }

    [Fact]
    public async Task PermanentRefusalIsRecordedOnTheTimelineAndTheIncidentGoesOn()
    {
        _provisioner.OpenChannelAsync(Arg.Any<Incident>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ChatDeliveryException("missing_scope: channels:manage", permanent: true));
        await using var app = NewApp();

        await app.CommandAsync(null, "alice", "declare Login errors sev3");

        await Eventually.TrueAsync(async () => (await app.GetIncidentAsync(1)).Timeline!.Any(t => t.Kind == "chat-failure"), "the failure on the timeline");
        var incident = await app.GetIncidentAsync(1);
        Assert.Contains(incident.Timeline!, t => t.Text == "fakechat: missing_scope: channels:manage");
        Assert.True((await app.CommandAsync(1, "alice", "ack")).Ok);
    }

    /// <summary>What was delivered after the first message, apart from the header card's later versions, and those versions.</summary>
    private static (List<string> Others, List<string> Cards) WithoutCardVersions(string[] delivered)
    {
        static bool IsCard(string text) => text.Contains("\nOpened: ", StringComparison.Ordinal);
        var later = delivered.Skip(1).ToList();
        return (later.Where(d => !IsCard(d)).ToList(), later.Where(IsCard).ToList());
    }

    private IncidentBotApplication NewApp() => new(services: services =>
    {
        services.AddSingleton(_provisioner);
        services.AddSingleton(_sender);
    });
}
