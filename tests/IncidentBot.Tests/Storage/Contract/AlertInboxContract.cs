using System.Collections.Concurrent;
using IncidentBot.Alerts;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Storage.Contract.StoreData;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>What <see cref="IAlertInboxStore"/> promises, on every provider: whole batches, leases, attempts, dead letters.</summary>
public abstract class AlertInboxContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task ABatchGetsIdsInOrderAndItsAlertsReadBackWhole()
    {
        await using var store = await OpenAsync();
        var inbox = store.Get<IAlertInboxStore>();
        var entries = Enumerable.Range(0, 250).Select(i => Entry($"fp-{i:D3}")).ToList();
        entries[3] = new InboxEntry
        {
            ReceivedAt = At.AddSeconds(3),
            Alert = new Alert
            {
                Source = "alertmanager",
                Fingerprint = "fp-003",
                GroupKey = "{}:{alertname=\"Disk\"}",
                Status = AlertStatus.Resolved,
                Severity = "warning",
                Title = "Disk full",
                Description = "95 %",
                Labels = { ["instance"] = "db-1", ["$odd key"] = "" },
                Annotations = { ["runbook_url"] = "https://runbooks.example/disk" },
                Links = [new AlertLink("Graph", "https://prometheus.example/graph")],
                StartsAt = At.AddMinutes(-5),
                EndsAt = At,
                Raw = """{"status":"resolved"}""",
            },
        };
        await inbox.AppendAsync(entries);
        await inbox.AppendAsync([]);

        Assert.All(entries, e => Assert.True(e.Id > 0));
        Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id)); // ascending in the batch's order
        Assert.Equal(250, entries.Select(e => e.Id).Distinct().Count());
        await store.ReopenAsync();
        var claimed = await store.Get<IAlertInboxStore>().ClaimAsync("me", 1000, At, Lease);
        Assert.Equal(entries.Select(e => (e.Id, e.Alert.Fingerprint)), claimed.Select(e => (e.Id, e.Alert.Fingerprint)));
        var disk = claimed[3];
        Assert.Equal(At.AddSeconds(3), disk.ReceivedAt);
        Assert.Equal(("alertmanager", "{}:{alertname=\"Disk\"}", AlertStatus.Resolved, "warning", "Disk full", "95 %"),
            (disk.Alert.Source, disk.Alert.GroupKey, disk.Alert.Status, disk.Alert.Severity, disk.Alert.Title, disk.Alert.Description));
        Assert.Equal(entries[3].Alert.Labels.OrderBy(l => l.Key), disk.Alert.Labels.OrderBy(l => l.Key));
        Assert.Equal("https://runbooks.example/disk", disk.Alert.Annotations["runbook_url"]);
        Assert.Equal(entries[3].Alert.Links, disk.Alert.Links);
        Assert.Equal((At.AddMinutes(-5), At), (disk.Alert.StartsAt!.Value, disk.Alert.EndsAt!.Value));
        Assert.True(IncidentStoreContract.SameJsonOrText("""{"status":"resolved"}""", disk.Alert.Raw), disk.Alert.Raw);
        Assert.Equal("", claimed[0].Alert.Raw);
    }

    [SkippableTheory]
    [MemberData(nameof(RawPayloads), MemberType = typeof(StoreData))]
    public async Task AnEntrysRawPayloadReadsBackAsTheSameJsonOrTheSameText(string what, string raw)
    {
        await using var store = await OpenAsync();
        await store.Get<IAlertInboxStore>().AppendAsync([Entry("raw", raw)]);
        await store.ReopenAsync();

        var back = Assert.Single(await store.Get<IAlertInboxStore>().ClaimAsync("me", 10, At, Lease)).Alert.Raw;
        Assert.True(IncidentStoreContract.SameJsonOrText(raw, back), $"{what}: stored {raw}, read back {back}");
    }

    [SkippableFact]
    public async Task EntriesAreClaimedOnceUntilTheirLeaseRunsOutThenByAnyone()
    {
        await using var store = await OpenAsync();
        var inbox = store.Get<IAlertInboxStore>();
        await inbox.AppendAsync([Entry("a"), Entry("b"), Entry("c")]);

        var first = await inbox.ClaimAsync("one", 2, At, Lease);
        var second = await inbox.ClaimAsync("two", 10, At, Lease);
        var stillHeld = await inbox.ClaimAsync("two", 10, At.Add(Lease).AddSeconds(-1), Lease);
        var afterLease = await inbox.ClaimAsync("two", 10, At.Add(Lease).AddSeconds(1), Lease);

        Assert.Equal(["a", "b"], first.Select(e => e.Alert.Fingerprint));
        Assert.All(first, e => Assert.Equal(("one", At.Add(Lease)), (e.LeaseOwner, e.LeaseUntil!.Value)));
        Assert.Equal(["c"], second.Select(e => e.Alert.Fingerprint));
        Assert.Empty(stillHeld);
        Assert.Equal(["a", "b", "c"], afterLease.Select(e => e.Alert.Fingerprint));
        Assert.All(afterLease, e => Assert.Equal("two", e.LeaseOwner));
        Assert.Equal(3, await inbox.PendingCountAsync());
        Assert.True(await inbox.HasPendingAsync());
    }

    [SkippableFact]
    public async Task FailedAttemptsAreCountedAcrossAReopenAndADeadLetterIsNeverClaimedAgain()
    {
        await using var store = await OpenAsync();
        var inbox = store.Get<IAlertInboxStore>();
        await inbox.AppendAsync([Entry("poison"), Entry("fine")]);
        var first = await inbox.ClaimAsync("me", 1, At, Lease);
        Assert.Equal(1, Assert.Single(first).Attempts);
        await inbox.RecordFailureAsync(first[0].Id, "boom", deadLetter: false);

        // A failed entry keeps its lease: retried once it runs out, not at once.
        Assert.Equal(["fine"], (await inbox.ClaimAsync("me", 10, At, Lease)).Select(e => e.Alert.Fingerprint));
        var second = await inbox.ClaimAsync("me", 1, At.AddMinutes(2), Lease);
        Assert.Equal(("poison", 2, "boom"), (second[0].Alert.Fingerprint, second[0].Attempts, second[0].LastError));
        await inbox.RecordFailureAsync(second[0].Id, "boom again", deadLetter: false);

        await store.ReopenAsync();
        inbox = store.Get<IAlertInboxStore>();
        var third = await inbox.ClaimAsync("me", 1, At.AddMinutes(4), Lease);
        Assert.Equal(("poison", 3, "boom again"), (third[0].Alert.Fingerprint, third[0].Attempts, third[0].LastError));
        await inbox.RecordFailureAsync(third[0].Id, "gave up", deadLetter: true);

        Assert.Equal(["fine"], (await inbox.ClaimAsync("me", 10, At.AddHours(1), Lease)).Select(e => e.Alert.Fingerprint));
        Assert.Equal(1, await inbox.PendingCountAsync());
        Assert.True(await inbox.HasPendingAsync());
    }

    [SkippableFact]
    public async Task EntriesConsumedByACommitLeaveTheInbox()
    {
        await using var store = await OpenAsync();
        var inbox = store.Get<IAlertInboxStore>();
        Assert.False(await inbox.HasPendingAsync());
        await inbox.AppendAsync([Entry("a"), Entry("b"), Entry("c")]);
        var claimed = await inbox.ClaimAsync("me", 2, At, Lease);
        var changes = new IncidentChanges();
        changes.ConsumedInboxEntries.AddRange(claimed.Select(e => e.Id));
        await store.Get<IIncidentStore>().CommitAsync(changes);

        Assert.Equal(["c"], (await inbox.ClaimAsync("me", 10, At.AddMinutes(5), Lease)).Select(e => e.Alert.Fingerprint));
        Assert.Equal(1, await inbox.PendingCountAsync());
        var last = new IncidentChanges();
        last.ConsumedInboxEntries.Add((await inbox.ClaimAsync("me", 10, At.AddMinutes(10), Lease))[0].Id);
        await store.Get<IIncidentStore>().CommitAsync(last);
        Assert.False(await inbox.HasPendingAsync());
        Assert.Equal(0, await inbox.PendingCountAsync());
    }

    [SkippableFact]
    public async Task ConcurrentClaimersNeverShareAnEntry()
    {
        const int Entries = 600;
        await using var store = await OpenAsync();
        var inbox = store.Get<IAlertInboxStore>();
        await inbox.AppendAsync(Enumerable.Range(0, Entries).Select(i => Entry($"fp-{i}")).ToList());
        var taken = new ConcurrentBag<(string Owner, long Id)>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(claimer => Task.Run(async () =>
        {
            // Long leases: an entry claimed once is never free again during the test.
            while (await inbox.ClaimAsync($"claimer-{claimer}", 7, At, TimeSpan.FromHours(1)) is { Count: > 0 } claimed)
            {
                foreach (var entry in claimed)
                {
                    taken.Add(($"claimer-{claimer}", entry.Id));
                }
            }
        })));

        Assert.Equal(Entries, taken.Count);
        Assert.Equal(Entries, taken.Select(t => t.Id).Distinct().Count());
    }
}

public sealed class AlertInboxOnLiteDb : AlertInboxContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class AlertInboxOnPostgres(PostgresServer server) : AlertInboxContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
