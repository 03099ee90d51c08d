using System.Diagnostics;
using System.Net;
using IncidentBot.Alerts;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.Storage;

/// <summary>
/// The file system under LiteDB really fills up (a 4 MB tmpfs), then space is freed: unlike
/// <see cref="StorageFailureTests"/>, LiteDB itself meets the failed writes, including those of its rollback.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class RealDiskFullTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(2);

    [SkippableFact]
    public async Task FullFileSystemAnswers503QuicklyEveryTimeThenRecoversWithoutARestart()
    {
        using var disk = TmpfsMount.Create(megabytes: 4);
        await using var app = new IncidentBotApplication(dataFolder: disk.Folder);
        var client = app.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/generic", Alert("before"))).StatusCode);
        await app.WaitForProcessingAsync();

        var filler = disk.FillUp();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await AssertRefusedQuicklyAsync(client, Alert($"during {attempt}"));
            await Task.Delay(200); // the processor and the outbox write meanwhile, from threads of their own
        }
        var ready = await TimedAsync(() => client.GetAsync("/readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Response.StatusCode);
        Assert.True(ready.Elapsed < Quickly, $"/readyz took {ready.Elapsed} to answer");

        File.Delete(filler);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readiness to come back by itself");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client, Alert("after"))).StatusCode);
        await app.WaitForProcessingAsync();

        // Every acknowledged alert became an incident; the refused ones are their senders' to send again.
        var titles = (await app.ListIncidentsAsync()).Select(i => i.Title).ToList();
        Assert.Contains("Disk alert before", titles);
        Assert.Contains("Disk alert after", titles);
    }

    [SkippableFact]
    public void SchemaUpgradeWithoutRoomForTheCopyLeavesTheOldFileWholeAndNoPartialCopy()
    {
        using var disk = TmpfsMount.Create(megabytes: 4);
        var dataFile = Path.Combine(disk.Folder, "incidentbot.db");
        const int Alerts = 1_500; // about 2.5 MB: the copy the schema 2 upgrade makes does not fit beside it
        using (var db = new LiteDB.LiteDatabase(dataFile, LiteDbMapper.Create()))
        {
            var raw = new string('x', 1_500);
            db.GetCollection<Incidents.IncidentAlert>("alerts").InsertBulk(Enumerable.Range(0, Alerts).Select(i =>
                new Incidents.IncidentAlert { Id = Incidents.IncidentAlert.IdFor(1, "generic", $"f{i}"), IncidentNumber = 1, Source = "generic", Fingerprint = $"f{i}", Title = "t", Raw = raw }));
            db.UserVersion = 1;
        }

        Assert.ThrowsAny<IOException>(() => new LiteDbStorage(dataFile, NullLogger<LiteDbStorage>.Instance));

        // The old file may still have its log (the disk was too full to fold it in); the half-made copy is gone.
        Assert.DoesNotContain(Directory.GetFiles(disk.Folder), f => f.Contains("collation") || f.Contains("backup"));
        using var old = new LiteDB.LiteDatabase(dataFile);
        Assert.Equal(1, old.UserVersion);
        Assert.Equal(Alerts, old.GetCollection("alerts").Count());
    }

    [SkippableFact]
    public async Task StoreRefusesWritesFromEveryThreadAtOnceWhileFullThenWritesAgainOnceSpaceIsFreed()
    {
        using var disk = TmpfsMount.Create(megabytes: 4);
        using var store = new LiteDbStorage(Path.Combine(disk.Folder, "incidentbot.db"), NullLogger<LiteDbStorage>.Instance);
        store.Append([Entry("before")]);

        var filler = disk.FillUp();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Each write on a thread of its own: a transaction LiteDB failed to roll back keeps its locks against
            // every other thread, so a second thread is where a stuck store shows.
            var clock = Stopwatch.StartNew();
            var write = Task.Factory.StartNew(() => store.Append([Entry($"during {attempt}")]), TaskCreationOptions.LongRunning);
            await Assert.ThrowsAnyAsync<Exception>(() => write);
            Assert.True(clock.Elapsed < Quickly, $"the failed write took {clock.Elapsed}");
            Assert.False(store.Probe(out _));
        }

        File.Delete(filler);
        store.Append([Entry("after")]);
        Assert.True(store.Probe(out var problem), problem);
        var stored = store.Claim("test", max: 100, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)).Select(e => e.Alert.Fingerprint);
        Assert.Equal(["before", "after"], stored);

        // The transactions LiteDB failed to roll back are garbage now; finalizing them must not end the process.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static InboxEntry Entry(string fingerprint) => new()
    {
        ReceivedAt = DateTimeOffset.UtcNow,
        Alert = new Alert { Source = "generic", Fingerprint = fingerprint, GroupKey = fingerprint, Status = AlertStatus.Firing, Title = fingerprint },
    };

    private static async Task AssertRefusedQuicklyAsync(HttpClient client, string alert)
    {
        var refused = await TimedAsync(() => PostAsync(client, alert));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Response.Headers.RetryAfter?.Delta);
        Assert.True(refused.Elapsed < Quickly, $"the 503 took {refused.Elapsed}");
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        return (response, clock.Elapsed);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string alert) =>
        client.PostAsync("/webhooks/generic", new StringContent(alert, System.Text.Encoding.UTF8, "application/json"));

    private static string Alert(string when) => $$"""{"title":"Disk alert {{when}}","dedupKey":"disk-{{when}}"}""";
}
