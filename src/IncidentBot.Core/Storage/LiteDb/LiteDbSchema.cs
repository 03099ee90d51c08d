using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The schema version lives in LiteDB's <c>UserVersion</c>. Each migration moves the file one version up, inside
/// one transaction; a file from a newer version is refused rather than misread. See docs/architecture.md.
/// </summary>
internal static class LiteDbSchema
{
    public const int Current = 1;

    private static readonly Action<LiteDatabase>[] Migrations =
    [
        // 0 → 1: the first schema: collections and their indexes.
        db =>
        {
            db.GetCollection<Incident>("incidents").EnsureIndex(nameof(Incident.GroupKey));
            db.GetCollection<IncidentAlert>("alerts").EnsureIndex(nameof(IncidentAlert.IncidentNumber));
            db.GetCollection<TimelineEntry>("timeline").EnsureIndex(nameof(TimelineEntry.IncidentNumber));
            db.GetCollection<InboxEntry>("inbox").EnsureIndex(nameof(InboxEntry.DeadLettered));
            db.GetCollection<OutboxItem>("outbox").EnsureIndex(nameof(OutboxItem.State));
            db.GetCollection<RoomMessage>("roomMessages").EnsureIndex(nameof(RoomMessage.IncidentNumber));
        },
    ];

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
            Migrations[version](db);
            db.UserVersion = version + 1;
        }
    }
}
