using System.Collections.Concurrent;
using IncidentBot.Chat.Outbox;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Storage.Contract.StoreData;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>What <see cref="IOutboxStore"/> promises, on every provider: each conversation in order, claims that expire, one claimer per item.</summary>
public abstract class OutboxContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task AConversationIsHeldBackBehindAnItemWaitingToRetry()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var outbox = store.Get<IOutboxStore>();
        var opened = await incidents.OpenNewAsync(2);
        var (one, two) = (opened[0].Number, opened[1].Number);
        await incidents.QueueAsync(Item(one, At), Item(one, At), Item(two, At));

        var claimed = await outbox.ClaimDueAsync("me", At, Lease, 100);
        Assert.Equal(3, claimed.Count);
        await outbox.RescheduleAsync(claimed[0].Id, At.AddMinutes(5), "503");
        await outbox.MarkDeliveredAsync(claimed[1].Id, At); // would be wrong to send, but proves the head decides
        await outbox.MarkDeliveredAsync(claimed[2].Id, At);

        Assert.Empty(await outbox.ClaimDueAsync("me", At.AddMinutes(1), Lease, 100));
        var retried = Assert.Single(await outbox.ClaimDueAsync("me", At.AddMinutes(6), Lease, 100));
        Assert.Equal((claimed[0].Id, 1, "503"), (retried.Id, retried.Attempts, retried.LastError));
    }

    [SkippableFact]
    public async Task ConversationsComeInOrderWithTheirItemsInOrderUpToTheLimit()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var outbox = store.Get<IOutboxStore>();
        var numbers = (await incidents.OpenNewAsync(3)).Select(i => i.Number).ToList();
        // Interleaved: conversation order is the order of each one's first item.
        var queued = await incidents.QueueAsync(
            Item(numbers[1], At), Item(numbers[0], At), Item(numbers[1], At, "teams"), Item(numbers[1], At), Item(numbers[0], At), Item(numbers[2], At));
        var item = queued[0];
        Assert.Equal("slack/" + numbers[1], item.ConversationKey);

        var firstFour = await outbox.ClaimDueAsync("me", At, Lease, 4);
        Assert.Equal([queued[0].Id, queued[3].Id, queued[1].Id, queued[4].Id], firstFour.Select(i => i.Id));
        Assert.All(firstFour, i => Assert.Equal(("me", At.Add(Lease)), (i.LeaseOwner, i.LeaseUntil!.Value)));
        var rest = await outbox.ClaimDueAsync("other", At, Lease, 100);
        Assert.Equal([queued[2].Id, queued[5].Id], rest.Select(i => i.Id));
        var back = rest[0];
        Assert.Equal(("teams", numbers[1], OutboxItemKind.Post, OutboxItemState.Pending, At, At, 0), (back.Platform, back.IncidentNumber, back.Kind, back.State, back.CreatedAt, back.NextAttemptAt, back.Attempts));
        Assert.True(IncidentStoreContract.SameJsonOrText("""{"text":"update"}""", back.MessageJson!), back.MessageJson);
        Assert.Equal(6, await outbox.PendingCountAsync());
    }

    [SkippableFact]
    public async Task ClaimedItemsAreHeldFromOthersUntilTheClaimRunsOutAndAreNeverClaimedOnceDone()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var outbox = store.Get<IOutboxStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;
        var queued = await incidents.QueueAsync(Item(number, At), Item(number, At), Item(number, At));

        Assert.Equal(3, (await outbox.ClaimDueAsync("crashed", At, Lease, 100)).Count);
        Assert.Empty(await outbox.ClaimDueAsync("other", At.Add(Lease).AddSeconds(-1), Lease, 100));
        // The holder may claim its own items again (a dispatcher loop that was cut short).
        Assert.Equal(3, (await outbox.ClaimDueAsync("crashed", At.AddSeconds(1), Lease, 100)).Count);
        var takenOver = await outbox.ClaimDueAsync("other", At.AddSeconds(1).Add(Lease).AddSeconds(1), Lease, 100);
        Assert.Equal(queued.Select(i => i.Id), takenOver.Select(i => i.Id));

        await outbox.MarkDeliveredAsync(queued[0].Id, At.AddMinutes(3));
        await outbox.MarkFailedAsync(queued[1].Id, At.AddMinutes(3), "channel_not_found");
        Assert.Equal(1, await outbox.PendingCountAsync());
        // A failed item stops holding back its conversation; delivered and failed ones are never claimed again.
        Assert.Equal([queued[2].Id], (await outbox.ClaimDueAsync("third", At.AddHours(1), Lease, 100)).Select(i => i.Id));
    }

    [SkippableFact]
    public async Task AnItemSomeoneElseHoldsStopsTheRestOfItsConversation()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var outbox = store.Get<IOutboxStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;
        var queued = await incidents.QueueAsync(Item(number, At), Item(number, At), Item(number, At));
        Assert.Equal(3, (await outbox.ClaimDueAsync("a", At, Lease, 100)).Count);
        await outbox.RescheduleAsync(queued[0].Id, At, "timeout"); // released and due at once; "a" still holds the two behind it

        Assert.Equal([queued[0].Id], (await outbox.ClaimDueAsync("b", At, Lease, 100)).Select(i => i.Id));
        Assert.Empty(await outbox.ClaimDueAsync("a", At.AddSeconds(1), Lease, 100)); // its conversation's head is "b"'s now
        Assert.Equal(queued.Select(i => i.Id), (await outbox.ClaimDueAsync("b", At.AddSeconds(1).Add(Lease), Lease, 100)).Select(i => i.Id));
    }

    [SkippableFact]
    public async Task PendingItemsSurviveAReopenWithTheirAttempts()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;
        var queued = await incidents.QueueAsync(Item(number, At));
        await store.Get<IOutboxStore>().ClaimDueAsync("me", At, Lease, 10);
        await store.Get<IOutboxStore>().RescheduleAsync(queued[0].Id, At.AddSeconds(30), "429");

        await store.ReopenAsync();
        var outbox = store.Get<IOutboxStore>();
        Assert.Equal(1, await outbox.PendingCountAsync());
        Assert.Empty(await outbox.ClaimDueAsync("me", At.AddSeconds(29), Lease, 10));
        var back = Assert.Single(await outbox.ClaimDueAsync("me", At.AddSeconds(30), Lease, 10));
        Assert.Equal((queued[0].Id, 1, "429", At.AddSeconds(30)), (back.Id, back.Attempts, back.LastError, back.NextAttemptAt));
    }

    [SkippableFact]
    public async Task ConcurrentClaimersNeverGetTheSameItemAndDeliverEachConversationInOrder()
    {
        const int Conversations = 40;
        const int PerConversation = 5;
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var outbox = store.Get<IOutboxStore>();
        var numbers = (await incidents.OpenNewAsync(Conversations)).Select(i => i.Number).ToList();
        var queued = await incidents.QueueAsync([.. Enumerable.Range(0, PerConversation).SelectMany(_ => numbers.Select(n => Item(n, At)))]);
        var delivered = new ConcurrentQueue<(string Owner, OutboxItem Item)>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(claimer => Task.Run(async () =>
        {
            var owner = $"dispatcher-{claimer}";
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await outbox.PendingCountAsync() > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the outbox was not emptied within a minute");
                foreach (var item in await outbox.ClaimDueAsync(owner, At, Lease, 9))
                {
                    delivered.Enqueue((owner, item));
                    await outbox.MarkDeliveredAsync(item.Id, At);
                }
            }
        })));

        Assert.Equal(queued.Select(i => i.Id).Order(), delivered.Select(d => d.Item.Id).Order()); // each item exactly once
        foreach (var conversation in delivered.GroupBy(d => d.Item.ConversationKey))
        {
            Assert.Equal(conversation.Select(d => d.Item.Id).Order(), conversation.Select(d => d.Item.Id));
        }
    }
}

public sealed class OutboxOnLiteDb : OutboxContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class OutboxOnPostgres(PostgresServer server) : OutboxContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
