using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Tests.Backups;

/// <summary>
/// After <c>storage copy</c>, the PostgreSQL stores read back what the LiteDB store reads from the file: the same
/// incidents, alerts, timelines, runbook texts, reviews, drills, room messages, references, dedupe keys, pending work
/// and the next incident number. This reads through the store interfaces (AddPostgresStorage), so it fails until the
/// PostgreSQL stores are implemented (branches pg-incidents and pg-rest); it is kept apart from StorageCopyTests for that.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class StorageCopyReadBackTests(PostgresServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-storage-copy-").FullName;

    [SkippableFact]
    public async Task ThePostgresStoresReadBackWhatTheLiteDbStoreHeld()
    {
        var database = await server.CreateDatabaseAsync();
        var busy = await BusyDataFile.CreateAsync(_folder);
        var copy = await BotTool.RunAsync(_folder, new Dictionary<string, string>(), "storage", "copy", busy.Path, database);
        Assert.True(copy.ExitCode == 0, copy.ToString());

        await using var postgres = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)).AddSingleton(TimeProvider.System)
            .AddPostgresStorage(_ => database).BuildServiceProvider();
        using var lite = new LiteDbStorage(busy.Path, NullLogger<LiteDbStorage>.Instance);
        var incidents = postgres.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;

        var all = lite.List(new IncidentQuery(IncidentStatusFilter.All, Limit: 10_000));
        AssertSame(all, await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.All, Limit: 10_000)));
        foreach (var incident in all)
        {
            AssertSame(incident, await incidents.FindAsync(incident.Number));
            AssertSame(lite.TimelineOf(incident.Number), await incidents.TimelineOfAsync(incident.Number));
            AssertSameAlerts(lite.AlertsOf(incident.Number), await incidents.AlertsOfAsync(incident.Number));
            AssertSameRoom(lite.RoomOf(incident.Number), await postgres.GetRequiredService<IRoomMessageStore>().RoomOfAsync(incident.Number));
            AssertSame(lite.FindRca(incident.Number), await postgres.GetRequiredService<IRcaStore>().FindRcaAsync(incident.Number));
            AssertSame(lite.FindRunByIncident(incident.Number), await postgres.GetRequiredService<IDrillStore>().FindRunByIncidentAsync(incident.Number));
            foreach (var session in incident.RunbookSessions)
            {
                AssertSame(lite.FindRunbookVersion(session.Version), await postgres.GetRequiredService<IRunbookVersionStore>().FindRunbookVersionAsync(session.Version));
            }
        }
        AssertSame(lite.Schedules(), await postgres.GetRequiredService<IDrillStore>().SchedulesAsync());
        AssertSame(lite.Rcas(), await postgres.GetRequiredService<IRcaStore>().RcasAsync());

        var references = postgres.GetRequiredService<IPlatformReferenceStore>();
        Assert.Equal(new CopiedChannel("C0CHECKOUT", "inc-checkout"), await references.FindAsync(BusyDataFile.SlackChannel, busy.Declared.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(new CopiedThread("19:thread@thread.tacv2"), await references.FindAsync(BusyDataFile.TeamsThread, busy.Declared.ToString(CultureInfo.InvariantCulture)));
        var dedupe = postgres.GetRequiredService<IDeduplicationStore>();
        Assert.False(await dedupe.TryRecordAsync(new DeduplicationKey("slack:event:Ev-still-fresh", now.AddHours(1)), now)); // a repeat still acts once
        Assert.True(await dedupe.TryRecordAsync(new DeduplicationKey("slack:event:Ev-long-gone", now.AddHours(1)), now));

        // API tokens read back the same, and work (or stay refused) by the token people hold.
        var tokens = postgres.GetRequiredService<IApiTokenStore>();
        AssertSame(lite.ApiTokenList(), await tokens.ListAsync());
        Assert.Equal("ci", (await tokens.FindByHashAsync(IncidentBot.Access.ApiTokens.Hash(BusyDataFile.CiToken)))?.Name);
        Assert.NotNull((await tokens.FindByHashAsync(IncidentBot.Access.ApiTokens.Hash(BusyDataFile.RevokedToken)))?.RevokedAt);

        Assert.Equal(lite.PendingCount(), await postgres.GetRequiredService<IAlertInboxStore>().PendingCountAsync());
        Assert.Equal(lite.OutboxPendingCount(), await postgres.GetRequiredService<IOutboxStore>().PendingCountAsync());
        var due = await postgres.GetRequiredService<IOutboxStore>().ClaimDueAsync("after-the-move", now.AddMinutes(10), TimeSpan.FromMinutes(1), 100);
        Assert.Equal(new[] { busy.PendingOutboxItem }, due.Select(o => o.Id));
        Assert.Equal(all.Max(i => i.Number) + 1, await incidents.NextNumberAsync());
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>PostgreSQL keeps times to the microsecond, LiteDB to the tick: both are compared to the microsecond.</summary>
    private static readonly JsonSerializerOptions Comparable = new(JsonSerializerDefaults.Web) { IncludeFields = true, Converters = { new MicrosecondTimes() } };

    private static void AssertSame<T>(T expected, T actual)
    {
        var (want, have) = (JsonSerializer.SerializeToNode(expected, Comparable), JsonSerializer.SerializeToNode(actual, Comparable));
        Assert.True(JsonNode.DeepEquals(want, have), $"LiteDB: {want?.ToJsonString()}\nPostgreSQL: {have?.ToJsonString()}");
    }

    /// <summary>Raw payloads are jsonb in PostgreSQL: equal in meaning, not byte for byte.</summary>
    private static void AssertSameAlerts(IReadOnlyList<Incidents.IncidentAlert> expected, IReadOnlyList<Incidents.IncidentAlert> actual)
    {
        Assert.Equal(expected.Select(a => a.Id).Order(), actual.Select(a => a.Id).Order());
        foreach (var alert in actual)
        {
            var original = expected.Single(a => a.Id == alert.Id);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original.Raw), JsonNode.Parse(alert.Raw)), $"{alert.Id}: {original.Raw}\n{alert.Raw}");
            var (raw, copied) = (original.Raw, alert.Raw);
            original.Raw = alert.Raw = "";
            AssertSame(original, alert);
            (original.Raw, alert.Raw) = (raw, copied);
        }
    }

    private static void AssertSameRoom(IReadOnlyList<RoomMessage> expected, IReadOnlyList<RoomMessage> actual)
    {
        Assert.Equal(expected.Select(m => m.Id), actual.Select(m => m.Id));
        foreach (var (original, copied) in expected.Zip(actual))
        {
            Assert.True(JsonNode.DeepEquals(Parse(original.MessageJson), Parse(copied.MessageJson)), $"{original.MessageJson}\n{copied.MessageJson}");
            AssertSame((original.IncidentNumber, original.At, original.Author, original.Text), (copied.IncidentNumber, copied.At, copied.Author, copied.Text));
        }
    }

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);

    private sealed class MicrosecondTimes : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            var utc = value.ToUniversalTime();
            writer.WriteStringValue(new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero));
        }
    }
}
