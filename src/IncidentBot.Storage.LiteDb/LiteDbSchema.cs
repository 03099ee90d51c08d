using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using LiteDB;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The schema version lives in LiteDB's <c>UserVersion</c>. Each migration moves the file one version up, inside
/// one transaction; a file from a newer version is refused rather than misread. See docs/architecture.md.
/// </summary>
internal static class LiteDbSchema
{
    public const int Current = 4;

    /// <summary>
    /// Keys compare byte for byte. LiteDB's default ignores case, which made an alert whose fingerprint differs
    /// from another's only in case the same alert, and two group keys differing only in case the same incident.
    /// </summary>
    public static readonly Collation Collation = new(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal);

    private static readonly Action<LiteDatabase, ILogger>[] Migrations =
    [
        // 0 → 1: the first schema: collections and their indexes.
        (db, _) =>
        {
            db.GetCollection<Incident>("incidents").EnsureIndex(nameof(Incident.GroupKey));
            db.GetCollection<IncidentAlert>("alerts").EnsureIndex(nameof(IncidentAlert.IncidentNumber));
            db.GetCollection<TimelineEntry>("timeline").EnsureIndex(nameof(TimelineEntry.IncidentNumber));
            db.GetCollection<InboxEntry>("inbox").EnsureIndex(nameof(InboxEntry.DeadLettered));
            db.GetCollection<OutboxItem>("outbox").EnsureIndex(nameof(OutboxItem.State));
            db.GetCollection<RoomMessage>("roomMessages").EnsureIndex(nameof(RoomMessage.IncidentNumber));
        },
        // 1 → 2: case-sensitive keys. A file's collation is fixed when it is created: new files get the ordinal one,
        // and LiteDbCollationUpgrade copies an older file into a new one before the store uses it.
        (db, _) =>
        {
            if (db.Collation.SortOptions != Collation.SortOptions)
            {
                throw new InvalidOperationException($"The data file still compares keys as {db.Collation}; it should have been rebuilt before opening.");
            }
        },
        // 2 → 3: deduplication keys with a lifetime, pruned by expiry. The handled Slack event ids and Teams activity
        // ids that platformReferences kept forever are dropped: they are long past any redelivery.
        (db, _) =>
        {
            db.GetCollection(LiteDbStorage.DeduplicationCollection).EnsureIndex(LiteDbStorage.ExpiresAtField);
            var references = db.GetCollection(LiteDbStorage.ReferencesCollection);
            references.DeleteMany(Query.StartsWith("_id", "slack:event:"));
            references.DeleteMany(Query.StartsWith("_id", "teams:seen:"));
        },
        // 3 → 4: the adapters' references become typed records (platform, kind, key, incident, JSON value) instead of
        // strings under ad-hoc keys; see LiteDbLegacyReferences.
        LiteDbLegacyReferences.Run,
    ];

    /// <summary>Every collection the store writes, so that all of them exist before anything runs at once (<see cref="CreateCollections"/>).</summary>
    public static readonly IReadOnlyList<string> Collections =
    [
        "incidents", "alerts", "timeline", "inbox", "outbox", "probe", "runbookVersions", "roomMessages", LiteDbStorage.ReferencesCollection,
        LiteDbStorage.DeduplicationCollection, "drillSchedules", "drillRuns", "rcas", LiteDbStorage.CountersCollection, LiteDbStorage.ApiTokensCollection,
    ];

    /// <summary>
    /// Creates the collections the file does not have yet, empty, before the store is used. LiteDB creates a collection
    /// with its first write, and a transaction that reads a collection while another is creating it can fail with
    /// "page type must be collection page", which closes the whole database (LiteDB issue 2792): ten Teams messages
    /// arriving together on a new data file did that in CI.
    /// </summary>
    public static void CreateCollections(LiteDatabase db)
    {
        var existing = db.GetCollectionNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Collections.Where(c => !existing.Contains(c)))
        {
            // A document written and deleted in one transaction: the collection stays, empty.
            db.BeginTrans();
            var collection = db.GetCollection(name);
            collection.Insert(new BsonDocument { ["_id"] = "created" });
            collection.Delete("created");
            db.Commit();
        }
    }

    public static void Migrate(LiteDatabase db, ILogger logger)
    {
        var version = db.UserVersion;
        if (version > Current)
        {
            throw new InvalidOperationException(
                $"The data file has schema version {version}, newer than this IncidentBot understands ({Current}). Run a newer IncidentBot or restore a backup.");
        }
        for (; version < Current; version++)
        {
            logger.LogInformation("Migrating the data file from schema version {From} to {To}", version, version + 1);
            Migrations[version](db, logger);
            db.UserVersion = version + 1;
        }
    }
}
