using IncidentBot.Access;
using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using LiteDB;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Reads a whole data file as the store's own records, one collection at a time, for <c>storage copy</c>. The
/// records come through the same mapping the store uses (<see cref="LiteDbMapper"/>), so what is read is exactly
/// what the bot would read. The caller makes sure no bot writes the file meanwhile; the export itself opens a
/// snapshot the caller took (see <see cref="Open"/>), so the operator's file is never changed.
/// </summary>
public sealed class LiteDbExport : IDisposable
{
    private const int PageSize = 8192;

    private readonly LiteDatabase _db;

    private LiteDbExport(LiteDatabase db) => _db = db;

    /// <summary>
    /// Opens <paramref name="snapshot"/>, a copy of a data file nobody else uses (LiteDB may write to it: it moves
    /// transactions left in the copy's log into it). Throws <see cref="InvalidDataException"/> naming
    /// <paramref name="shownAs"/> when it is not an IncidentBot data file this version can read.
    /// </summary>
    public static LiteDbExport Open(string snapshot, string shownAs)
    {
        var length = new FileInfo(snapshot).Length;
        if (length < PageSize || length % PageSize != 0)
        {
            throw new InvalidDataException($"{shownAs} is not an IncidentBot data file: a LiteDB file is a whole number of {PageSize / 1024} KiB pages.");
        }
        LiteDatabase? db = null;
        try
        {
            db = new LiteDatabase(new ConnectionString { Filename = snapshot, Connection = ConnectionType.Direct }, LiteDbMapper.Create());
            var version = db.UserVersion;
            if (version == 0 || !db.CollectionExists("incidents") && db.GetCollectionNames().Any())
            {
                throw new InvalidDataException($"{shownAs} is a LiteDB file, but not an IncidentBot data file (it has no IncidentBot schema version).");
            }
            if (version > LiteDbSchema.Current)
            {
                throw new InvalidDataException($"{shownAs} has schema version {version}, newer than this IncidentBot understands ({LiteDbSchema.Current}). Copy it with the IncidentBot version that wrote it.");
            }
            if (version < LiteDbSchema.Current)
            {
                throw new InvalidDataException($"{shownAs} has schema version {version}; this IncidentBot copies version {LiteDbSchema.Current}. Start this IncidentBot on it once (it migrates the file at start), stop it, then copy.");
            }
            return new LiteDbExport(db);
        }
        catch (Exception ex) when (ex is LiteException or NotSupportedException or InvalidCastException or ArgumentException or IndexOutOfRangeException)
        {
            db?.Dispose();
            throw new InvalidDataException($"{shownAs} is not a readable IncidentBot data file: {ex.Message}", ex);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    public IEnumerable<Incident> Incidents() => All<Incident>("incidents");

    public IEnumerable<IncidentAlert> Alerts() => All<IncidentAlert>("alerts");

    public IEnumerable<TimelineEntry> Timeline() => All<TimelineEntry>("timeline");

    public IEnumerable<RunbookVersionRecord> RunbookVersions() => All<RunbookVersionRecord>("runbookVersions");

    public IEnumerable<RcaDocument> Reviews() => All<RcaDocument>("rcas");

    public IEnumerable<DrillSchedule> DrillSchedules() => All<DrillSchedule>("drillSchedules");

    public IEnumerable<DrillRun> DrillRuns() => All<DrillRun>("drillRuns");

    public IEnumerable<RoomMessage> RoomMessages() => All<RoomMessage>("roomMessages");

    public IEnumerable<OutboxItem> Outbox() => All<OutboxItem>("outbox");

    /// <summary>Alerts accepted but not yet correlated, dead letters included.</summary>
    public IEnumerable<InboxEntry> Inbox() => All<InboxEntry>("inbox");

    /// <summary>The adapters' typed references (channel ids, update-in-place message ids), each with its value as JSON.</summary>
    public IEnumerable<StoredReference> References() =>
        _db.GetCollection(LiteDbStorage.ReferencesCollection).Query().OrderBy("_id").ToEnumerable()
            .Select(d => new StoredReference(
                d["platform"].AsString, d["kind"].AsString, d["key"].AsString, d["incident"].IsInt32 ? d["incident"].AsInt32 : null,
                d["value"].AsString, d["at"].IsInt64 ? new DateTimeOffset(d["at"].AsInt64, TimeSpan.Zero) : null));

    /// <summary>Deduplication keys that have not expired by <paramref name="now"/>; expired ones protect nothing any more.</summary>
    public IEnumerable<DeduplicationKey> DeduplicationKeys(DateTimeOffset now) =>
        _db.GetCollection(LiteDbStorage.DeduplicationCollection).Query().Where($"$.{LiteDbStorage.ExpiresAtField} >= @0", now.UtcTicks).OrderBy("_id").ToEnumerable()
            .Select(d => new DeduplicationKey(d["_id"].AsString, new DateTimeOffset(d[LiteDbStorage.ExpiresAtField].AsInt64, TimeSpan.Zero)));

    /// <summary>API tokens as stored: name, role, hash (never the token), created, last used, revoked; in name order.</summary>
    public IEnumerable<ApiToken> ApiTokens() =>
        _db.GetCollection(LiteDbStorage.ApiTokensCollection).Query().OrderBy("_id").ToEnumerable().Select(LiteDbStorage.ToApiToken);

    /// <summary>The last incident number the store handed out (it may be above the highest stored incident).</summary>
    public int LastIncidentNumber()
    {
        var counted = _db.GetCollection("counters").FindById("incidentNumbers")?["last"] is { IsInt32: true } last ? last.AsInt32 : 0;
        var stored = _db.GetCollection("incidents").Query().OrderByDescending("_id").Limit(1).FirstOrDefault()?["_id"] is { IsInt32: true } top ? top.AsInt32 : 0;
        return Math.Max(counted, stored);
    }

    /// <summary>
    /// How many records of each kind the file holds, counted from its documents rather than through the mapping, so
    /// a copy can be checked against them. Keys are the PostgreSQL tables the records go to.
    /// </summary>
    public IReadOnlyDictionary<string, long> Counts(DateTimeOffset now)
    {
        long ArrayItems(string collection, string field) =>
            _db.GetCollection(collection).FindAll().Sum(d => d[field] is { IsArray: true } array ? (long)array.AsArray.Count : 0);

        return new Dictionary<string, long>
        {
            ["incidents"] = Count("incidents"),
            ["incident_roles"] = ArrayItems("incidents", nameof(Incident.Roles)),
            ["incident_channels"] = ArrayItems("incidents", nameof(Incident.Channels)),
            ["runbook_sessions"] = ArrayItems("incidents", nameof(Incident.RunbookSessions)),
            ["runbook_versions"] = Count("runbookVersions"),
            ["alerts"] = Count("alerts"),
            ["timeline"] = Count("timeline"),
            ["inbox"] = Count("inbox"),
            ["outbox"] = Count("outbox"),
            ["room_messages"] = Count("roomMessages"),
            ["reviews"] = Count("rcas"),
            ["review_versions"] = ArrayItems("rcas", nameof(RcaDocument.Versions)),
            ["drill_schedules"] = Count("drillSchedules"),
            ["drill_runs"] = Count("drillRuns"),
            ["platform_references"] = Count(LiteDbStorage.ReferencesCollection),
            ["api_tokens"] = Count(LiteDbStorage.ApiTokensCollection),
            ["dedupe_keys"] = _db.GetCollection(LiteDbStorage.DeduplicationCollection).LongCount(Query.GTE(LiteDbStorage.ExpiresAtField, now.UtcTicks)),
        };
    }

    public void Dispose() => _db.Dispose();

    private long Count(string collection) => _db.GetCollection(collection).LongCount();

    // In _id order, so what is copied keeps the order the bot wrote it in.
    private IEnumerable<T> All<T>(string collection) => _db.GetCollection<T>(collection).Query().OrderBy("_id").ToEnumerable();
}

/// <summary>One of the adapters' lasting references: a key, its value and when it was saved (unknown for old files).</summary>
/// <summary>One adapter reference as stored: its kind and key, the incident it belongs to, and its value as JSON.</summary>
public sealed record StoredReference(string Platform, string Kind, string Key, int? IncidentNumber, string ValueJson, DateTimeOffset? SavedAt);
