using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.Storage;

/// <summary>
/// The LiteDB store on a real file in a temp folder: what only LiteDB does (its file, schema upgrades, releasing a dead
/// process's leases). What every store promises is tested on both providers under Storage/Contract.
/// </summary>
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
    public void EveryCollectionTheStoreWritesExistsEmptyOnceANewFileIsOpened()
    {
        // Every collection the store keeps a handle on is in the schema's list (a new one must be added there too).
        using (var store = Open())
        {
            var handles = typeof(LiteDbStorage).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
                .Select(f => f.GetValue(store))
                .Select(v => v?.GetType().GetProperty("Name")?.GetValue(v) as string)
                .OfType<string>()
                .ToList();
            Assert.NotEmpty(handles);
            Assert.Empty(handles.Except(LiteDbSchema.Collections));
        }

        // Created before anything runs at once, and empty: two transactions never create one together.
        using var db = new LiteDatabase(DataFile);
        Assert.Empty(LiteDbSchema.Collections.Except(db.GetCollectionNames()));
        Assert.All(LiteDbSchema.Collections, name => Assert.Equal(0, db.GetCollection(name).Count()));
    }

    /// <summary>
    /// LiteDB closes its engine itself after some failures (LiteDB issue 2792, met in CI as ten Teams messages at once all
    /// answered 500); before, every later call failed too, until the bot was restarted.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WhenLiteDbClosesItsEngineTheCallThatMeetsItFailsAndTheNextOpenTheFileAgain(bool firstIsAWrite)
    {
        IIncidentStore incidents;
        using (var store = Open())
        {
            incidents = store;
            await incidents.CommitAsync(Opening(1, "stored before"));

            // Behind the store's back, as LiteDB does when it gives up on its engine.
            ((LiteDatabase)typeof(LiteDbStorage).GetField("_db", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(store)!).Dispose();
            var failure = firstIsAWrite
                ? await Record.ExceptionAsync(() => incidents.CommitAsync(Opening(2, "met the closed engine")).AsTask())
                : await Record.ExceptionAsync(() => incidents.FindAsync(1).AsTask());
            Assert.True(failure is ObjectDisposedException or LiteException, $"the call that met the closed engine: {failure}");

            Assert.Equal("stored before", (await incidents.FindAsync(1))!.Title);
            await incidents.CommitAsync(Opening(3, "stored after"));
            Assert.Equal("stored after", (await incidents.FindAsync(3))!.Title);
        }

        // Disposed for good: a call then fails without opening the file again, so another process can have it.
        Assert.True(await Record.ExceptionAsync(() => incidents.FindAsync(1).AsTask()) is ObjectDisposedException or LiteException);
        using var reopened = Open();
        Assert.Equal(["stored after", "stored before"], reopened.List(new IncidentQuery(IncidentStatusFilter.All)).Select(i => i.Title).Order());
    }

    private static IncidentChanges Opening(int number, string title)
    {
        var changes = new IncidentChanges();
        changes.Incidents[number] = new Incident { Number = number, Title = title, GroupKey = $"group-{number}" };
        changes.NewIncidents.Add(number);
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

    private static IncidentChanges IncidentWith(Incident incident)
    {
        var changes = new IncidentChanges();
        changes.Incidents[incident.Number] = incident;
        return changes;
    }
}
