using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.Storage;

/// <summary>The LiteDB store on a real file in a temp folder.</summary>
public sealed class LiteDbStorageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-store-").FullName;

    private string DataFile => Path.Combine(_folder, "nested", "incidentbot.db");

    [Fact]
    public void FileAndFolderAreCreatedOnFirstOpen()
    {
        using var store = Open();

        Assert.True(File.Exists(DataFile));
        Assert.Equal(0, store.LastNumber());
    }

    [Fact]
    public void IncidentsAlertsAndTimelineRoundTripExactly()
    {
        var at = new DateTimeOffset(2026, 11, 26, 3, 14, 15, TimeSpan.Zero).AddTicks(1234567);
        using (var store = Open())
        {
            var changes = new IncidentChanges();
            changes.Incidents[7] = new Incident
            {
                Number = 7,
                Title = "Orders DB down",
                Severity = Severity.Sev1,
                GroupKey = "alertmanager:{}:{}",
                CreatedAt = at,
                Roles = { ["commander"] = "alice" },
                Channels = { new ChannelBinding("slack", "C1", "#inc-7-orders-db-down") },
            };
            var alert = new IncidentAlert
            {
                Id = IncidentAlert.IdFor(7, "generic", "fp"),
                IncidentNumber = 7,
                Source = "generic",
                Fingerprint = "fp",
                Title = "t",
                FirstSeenAt = at,
                Labels = { ["app.kubernetes.io/name"] = "orders", ["$weird key"] = "v", ["empty"] = "" },
                Links = { new AlertLink("Dashboard", "https://grafana.example/d/1") },
            };
            changes.Alerts[alert.Id] = alert;
            changes.Timeline.Add(new TimelineEntry { IncidentNumber = 7, At = at, Actor = "alertmanager", Kind = TimelineKinds.Opened, Text = "Opened" });
            store.Commit(changes);
        }

        using var reopened = Open();
        var incident = reopened.Find(7)!;
        Assert.Equal(at, incident.CreatedAt);
        Assert.Equal(TimeSpan.Zero, incident.CreatedAt.Offset);
        Assert.Equal("alice", incident.Roles["commander"]);
        Assert.Equal(new ChannelBinding("slack", "C1", "#inc-7-orders-db-down"), Assert.Single(incident.Channels));
        Assert.Equal(7, reopened.FindOpenByGroupKey("alertmanager:{}:{}")!.Number);
        var alertBack = Assert.Single(reopened.AlertsOf(7));
        Assert.Equal("orders", alertBack.Labels["app.kubernetes.io/name"]);
        Assert.Equal("v", alertBack.Labels["$weird key"]);
        Assert.Equal("", alertBack.Labels["empty"]);
        Assert.Equal("https://grafana.example/d/1", Assert.Single(alertBack.Links).Url);
        Assert.Equal("Opened", Assert.Single(reopened.TimelineOf(7)).Text);
        Assert.Equal(7, reopened.LastNumber());
    }

    [Fact]
    public void TheOpenIncidentOfAGroupKeyFollowsEveryCommit()
    {
        using var store = Open();
        const string key = "alertmanager:{}:{}";
        Assert.Null(store.FindOpenByGroupKey(key)); // asked (and remembered) before any incident exists

        store.Commit(IncidentWith(new Incident { Number = 1, Title = "t", GroupKey = key }));
        Assert.Equal(1, store.FindOpenByGroupKey(key)?.Number);

        var resolved = store.Find(1)!;
        resolved.Status = IncidentStatus.Resolved;
        store.Commit(IncidentWith(resolved));
        Assert.Null(store.FindOpenByGroupKey(key));

        store.Commit(IncidentWith(new Incident { Number = 2, Title = "t", GroupKey = key, Status = IncidentStatus.Acknowledged }));
        Assert.Equal(2, store.FindOpenByGroupKey(key)?.Number);
        Assert.Null(store.FindOpenByGroupKey("another key"));
    }

    private static IncidentChanges IncidentWith(Incident incident)
    {
        var changes = new IncidentChanges();
        changes.Incidents[incident.Number] = incident;
        return changes;
    }

    [Fact]
    public void FailedCommitLeavesNothingBehind()
    {
        using var store = Open();
        var first = new IncidentChanges();
        first.Timeline.Add(new TimelineEntry { Id = 1, IncidentNumber = 1, Kind = "note", Text = "first" });
        store.Commit(first);

        var broken = new IncidentChanges();
        broken.Incidents[2] = new Incident { Number = 2, Title = "must not be stored" };
        broken.Outbox.Add(new OutboxItem { Platform = "slack", IncidentNumber = 2, Kind = OutboxItemKind.OpenChannel });
        broken.Timeline.Add(new TimelineEntry { Id = 1, IncidentNumber = 2, Kind = "note", Text = "duplicate id" });

        Assert.ThrowsAny<LiteException>(() => store.Commit(broken));
        Assert.Null(store.Find(2));
        Assert.Equal(0, store.OutboxPendingCount());
        Assert.Empty(store.TimelineOf(2));
    }

    [Fact]
    public void InboxEntriesAreClaimedOnceUntilTheirLeaseRunsOut()
    {
        using var store = Open();
        var now = DateTimeOffset.UtcNow;
        store.Append([Entry("a"), Entry("b"), Entry("c")]);

        var first = store.Claim("one", 2, now, TimeSpan.FromMinutes(1));
        var second = store.Claim("two", 10, now, TimeSpan.FromMinutes(1));
        var afterLease = store.Claim("two", 10, now.AddMinutes(2), TimeSpan.FromMinutes(1));

        Assert.Equal(["a", "b"], first.Select(e => e.Alert.Fingerprint));
        Assert.Equal(["c"], second.Select(e => e.Alert.Fingerprint));
        Assert.Equal(["a", "b", "c"], afterLease.Select(e => e.Alert.Fingerprint));
        Assert.Equal(3, store.PendingCount());
    }

    [Fact]
    public void FailedAttemptsAreCountedAcrossRestartsAndADeadLetterIsNeverClaimedAgain()
    {
        var now = DateTimeOffset.UtcNow;
        var lease = TimeSpan.FromMinutes(1);
        using (var store = Open())
        {
            store.Append([Entry("poison"), Entry("fine")]);
            var first = store.Claim("me", 1, now, lease);
            Assert.Equal(1, Assert.Single(first).Attempts);
            store.RecordFailure(first[0].Id, "boom", deadLetter: false);

            // A failed entry keeps its lease: retried once it runs out, not at once.
            Assert.Equal(["fine"], store.Claim("me", 10, now, lease).Select(e => e.Alert.Fingerprint));
            var second = store.Claim("me", 1, now.AddMinutes(2), lease);
            Assert.Equal(("poison", 2), (second[0].Alert.Fingerprint, second[0].Attempts));
            store.RecordFailure(second[0].Id, "boom", deadLetter: false);
        }

        using var reopened = Open();
        var third = reopened.Claim("me", 1, now, lease);
        Assert.Equal(("poison", 3), (third[0].Alert.Fingerprint, third[0].Attempts));
        reopened.RecordFailure(third[0].Id, "boom", deadLetter: true);

        Assert.Equal(["fine"], reopened.Claim("me", 10, now.AddHours(1), lease).Select(e => e.Alert.Fingerprint));
        Assert.Equal(1, reopened.PendingCount());
    }

    [Fact]
    public void ConsumedEntriesLeaveTheInboxWithTheirLeases()
    {
        using var store = Open();
        var now = DateTimeOffset.UtcNow;
        store.Append([Entry("a"), Entry("b")]);
        var claimed = store.Claim("me", 1, now, TimeSpan.FromMinutes(1));
        var changes = new IncidentChanges();
        changes.ConsumedInboxEntries.Add(claimed[0].Id);
        store.Commit(changes);

        Assert.Equal(["b"], store.Claim("me", 10, now.AddMinutes(5), TimeSpan.FromMinutes(1)).Select(e => e.Alert.Fingerprint));
        Assert.Equal(1, store.PendingCount());
    }

    [Fact]
    public void LeasesLeftByADeadProcessAreReleasedOnOpen()
    {
        using (var store = Open())
        {
            store.Append([Entry("a")]);
            Assert.Single(store.Claim("dead-process", 10, DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        }

        using var reopened = Open();
        Assert.Single(reopened.Claim("new-process", 10, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void OutboxHoldsBackAConversationBehindAnItemWaitingToRetry()
    {
        using var store = Open();
        var now = DateTimeOffset.UtcNow;
        var changes = new IncidentChanges();
        changes.Outbox.AddRange([Item(1, now), Item(1, now), Item(2, now)]);
        store.Commit(changes);

        var claimed = store.ClaimDue("me", now, TimeSpan.FromMinutes(1), 100);
        Assert.Equal(3, claimed.Count);
        store.Reschedule(claimed[0].Id, now.AddMinutes(5), "503");
        store.MarkDelivered(claimed[1].Id, now); // would be wrong to send, but proves the head decides
        store.MarkDelivered(claimed[2].Id, now);

        Assert.Empty(store.ClaimDue("me", now.AddMinutes(1), TimeSpan.FromMinutes(1), 100));
        Assert.Equal([claimed[0].Id], store.ClaimDue("me", now.AddMinutes(6), TimeSpan.FromMinutes(1), 100).Select(i => i.Id));
    }

    [Fact]
    public void FileOfSchemaOneIsRebuiltWithCaseSensitiveKeysKeepingItsDataAndTheOldFile()
    {
        // More than 2,550 documents in a collection with a secondary index: LiteDB 5.0.21's own Rebuild fails there.
        const int Alerts = 3_000;
        Directory.CreateDirectory(Path.GetDirectoryName(DataFile)!);
        using (var db = new LiteDatabase(DataFile, LiteDbMapper.Create())) // LiteDB's default collation, as schema 1 files have
        {
            var alerts = db.GetCollection<IncidentAlert>("alerts");
            alerts.EnsureIndex(nameof(IncidentAlert.IncidentNumber));
            alerts.InsertBulk(Enumerable.Range(0, Alerts).Select(i => new IncidentAlert { Id = IncidentAlert.IdFor(1 + i % 3, "generic", $"Disk-{i}"), IncidentNumber = 1 + i % 3, Source = "generic", Fingerprint = $"Disk-{i}", Title = "t" }));
            db.GetCollection<InboxEntry>("inbox").Insert(Entry("waiting"));
            db.UserVersion = 1;
        }

        using (var store = Open())
        {
            Assert.Equal(Alerts / 3, store.AlertsOf(2).Count);
            Assert.NotNull(store.FindAlert(IncidentAlert.IdFor(1, "generic", "Disk-0")));
            Assert.Null(store.FindAlert(IncidentAlert.IdFor(1, "generic", "disk-0")));
            Assert.Equal(1, store.PendingCount());
            var changes = new IncidentChanges();
            var other = new IncidentAlert { Id = IncidentAlert.IdFor(1, "generic", "disk-0"), IncidentNumber = 1, Source = "generic", Fingerprint = "disk-0", Title = "t" };
            changes.Alerts[other.Id] = other;
            changes.NewAlerts.Add(other.Id);
            store.Commit(changes);
            Assert.Equal(Alerts / 3 + 1, store.AlertsOf(1).Count);
        }

        var folder = Path.GetDirectoryName(DataFile)!;
        using (var reopened = new LiteDatabase(DataFile))
        {
            Assert.Equal(LiteDbSchema.Current, reopened.UserVersion);
        }
        using var backup = new LiteDatabase(Path.Combine(folder, "incidentbot-backup.db"));
        Assert.Equal(1, backup.UserVersion);
        Assert.Equal(Alerts, backup.GetCollection("alerts").Count());
        Assert.Equal(["incidentbot-backup.db", "incidentbot.db"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void NewFileComparesKeysCaseSensitively()
    {
        using var store = Open();
        foreach (var key in new[] { "alertmanager:{}:{alertname=\"HighCPU\"}", "alertmanager:{}:{alertname=\"highcpu\"}" })
        {
            store.Commit(IncidentWith(new Incident { Number = store.LastNumber() + 1, Title = "t", GroupKey = key }));
        }

        Assert.Equal(1, store.FindOpenByGroupKey("alertmanager:{}:{alertname=\"HighCPU\"}")?.Number);
        Assert.Equal(2, store.FindOpenByGroupKey("alertmanager:{}:{alertname=\"highcpu\"}")?.Number);
    }

    [Fact]
    public void FileFromANewerVersionIsRefusedNotMisread()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DataFile)!);
        using (var db = new LiteDatabase(DataFile))
        {
            db.UserVersion = 99;
        }

        var error = Assert.Throws<InvalidOperationException>(() => Open());
        Assert.Contains("schema version 99", error.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private LiteDbStorage Open() => new(DataFile, NullLogger<LiteDbStorage>.Instance);

    private static InboxEntry Entry(string fingerprint) => new()
    {
        ReceivedAt = DateTimeOffset.UtcNow,
        Alert = new Alert { Source = "generic", Fingerprint = fingerprint, GroupKey = "g", Status = AlertStatus.Firing, Title = fingerprint },
    };

    private static OutboxItem Item(int incident, DateTimeOffset now) =>
        new() { Platform = "slack", IncidentNumber = incident, Kind = OutboxItemKind.Post, MessageJson = "{}", CreatedAt = now, NextAttemptAt = now };
}
