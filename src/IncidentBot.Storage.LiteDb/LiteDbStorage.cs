using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The embedded store: one LiteDB file. Writes are serialised and each operation is one transaction, so a crash
/// leaves either all of an operation or none of it.
/// </summary>
public sealed partial class LiteDbStorage : IIncidentStore, IAlertInboxStore, IOutboxStore, IStorageHealth, IRunbookVersionStore, IRoomMessageStore, IDrillStore, IRcaStore, IDisposable
{
    private LiteDatabase _db;
    private ILiteCollection<Incident> _incidents;
    private ILiteCollection<IncidentAlert> _alerts;
    private ILiteCollection<TimelineEntry> _timeline;
    private ILiteCollection<InboxEntry> _inbox;
    private ILiteCollection<BsonDocument> _inboxDocuments;
    private ILiteCollection<BsonDocument> _alertDocuments;
    private ILiteCollection<BsonDocument> _incidentDocuments;
    private ILiteCollection<OutboxItem> _outbox;
    private ILiteCollection<BsonDocument> _probe;
    private ILiteCollection<RunbookVersionRecord> _runbookVersions;
    private ILiteCollection<RoomMessage> _room;
    private ILiteCollection<BsonDocument> _references;
    private ILiteCollection<BsonDocument> _deduplication;
    private ILiteCollection<DrillSchedule> _drillSchedules;
    private ILiteCollection<DrillRun> _drillRuns;
    private ILiteCollection<Rca.RcaDocument> _rcas;
    private ILiteCollection<BsonDocument> _counters;

    // LiteDB transactions belong to a thread; one lock keeps every write transaction whole and un-interleaved.
    private readonly Lock _write = new();
    private readonly BsonMapper _mapper;
    private readonly ILogger _logger;

    // Inbox leases (entry id → lease end) live in memory, not in the file: a direct-mode file is open in one
    // process only, so no other claimer could ever read them, and writing them rewrote every claimed entry, raw
    // alert included, under the write lock that webhook intake waits for. A restart forgets them, as ReleaseLeases
    // always did. Only failed attempts are written (RecordFailure), which is what dead-lettering counts.
    private readonly Dictionary<long, DateTimeOffset> _inboxLeases = [];
    private readonly Lock _leases = new();

    private readonly OpenIncidentCache _openIncidents = new();

    public LiteDbStorage(string path, ILogger<LiteDbStorage> logger)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        _mapper = LiteDbMapper.Create();
        _logger = logger;
        Path = path;
        Open();
        if (LiteDbCollationUpgrade.IsNeeded(_db))
        {
            // Only once, for a file from before schema 2: its collation is fixed, so it is copied into a new file.
            _db.Dispose();
            LiteDbCollationUpgrade.Run(path, logger);
            Open();
        }
        LiteDbSchema.Migrate(_db, logger);
        LiteDbSchema.CreateCollections(_db);
        ReleaseLeases(logger);
    }

    public string Path { get; }

    public Incident? Find(int number) => _incidents.FindById(number);

    public Incident? FindOpenByGroupKey(string groupKey)
    {
        if (_openIncidents.TryGet(groupKey, out var known))
        {
            if (known is not { } number)
            {
                return null;
            }
            if (Find(number) is { } cached && cached.Status.IsOpen() && cached.GroupKey == groupKey)
            {
                return cached;
            }
        }
        var writes = _openIncidents.Writes;
        // A parameter, not Query.EQ: Query.EQ writes the key into the expression text, which LiteDB then parses
        // (and caches) anew for every group key; this text is parsed once.
        var found = _incidents.Query().Where("$.GroupKey = @0", groupKey).ToEnumerable()
            .Where(i => i.Status.IsOpen())
            .OrderByDescending(i => i.Number)
            .FirstOrDefault();
        _openIncidents.Remember(groupKey, found?.Number, writes);
        return found;
    }

    /// <summary>
    /// Each key through <see cref="FindOpenByGroupKey"/>: the open-incident cache answers the keys it knows without
    /// touching the file, and an embedded file has no round trip to save for the others.
    /// </summary>
    public IReadOnlyList<Incident> FindOpenByGroupKeys(IReadOnlyCollection<string> groupKeys) =>
        groupKeys.Distinct().Select(FindOpenByGroupKey).OfType<Incident>().ToList();

    /// <summary>Newest first; the group key through its index, every other filter as <see cref="IncidentQuery.Matches"/> says.</summary>
    public IReadOnlyList<Incident> List(IncidentQuery query)
    {
        var incidents = query.GroupKey is { } groupKey ? _incidents.Query().Where("$.GroupKey = @0", groupKey) : _incidents.Query();
        if (query.AmongLatest is { } latest)
        {
            // The highest number through the _id index (LiteDB's Max() throws on an empty collection).
            var highest = _incidentDocuments.Query().OrderByDescending("_id").Select("$._id").Limit(1).ToDocuments().FirstOrDefault()?["_id"];
            incidents = incidents.Where("$._id > @0", (highest is { IsNumber: true } ? highest.AsInt32 : 0) - latest);
        }
        return (query.Before is { } before ? incidents.Where("$._id < @0", before) : incidents)
            .OrderByDescending("_id").ToEnumerable()
            .Where(query.Matches)
            .Take(query.Limit)
            .ToList();
    }

    public IReadOnlyList<IncidentAlert> AlertsOf(int number) =>
        _alerts.Find(Query.EQ(nameof(IncidentAlert.IncidentNumber), number)).OrderBy(a => a.FirstSeenAt).ToList();

    public IncidentAlert? FirstAlertOf(int number) =>
        _alerts.Find(Query.EQ(nameof(IncidentAlert.IncidentNumber), number)).OrderBy(a => a.FirstSeenAt).ThenBy(a => a.Id, StringComparer.Ordinal).FirstOrDefault();

    public IncidentAlert? FindAlert(string id) => _alerts.FindById(id);

    // One query seeking the _id index once per id; FindById would parse its expression anew for every alert.
    public IReadOnlyList<IncidentAlert> FindAlerts(IReadOnlyCollection<string> ids) =>
        ids.Count == 0 ? [] : _alerts.Query().Where("$._id IN @0", new BsonArray(ids.Select(id => new BsonValue(id)))).ToList();

    public IReadOnlyList<TimelineEntry> TimelineOf(int number) =>
        _timeline.Find(Query.EQ(nameof(TimelineEntry.IncidentNumber), number)).OrderBy(t => t.Id).ToList();

    public void Append(RoomMessage message) => InTransaction(() => _room.Insert(message));

    public IReadOnlyList<RoomMessage> RoomOf(int incidentNumber, long afterId = 0, int limit = 1000) =>
        _room.Query()
            .Where("$.IncidentNumber = @0 AND $._id > @1", incidentNumber, afterId)
            .OrderBy("_id")
            .Limit(limit)
            .ToList();

    public void SaveSchedule(DrillSchedule schedule) => InTransaction(() => _drillSchedules.Upsert(schedule));

    public DrillSchedule? FindSchedule(string id) => _drillSchedules.FindById(id);

    /// <summary>Read and written in one write transaction, so two callers never both claim one time.</summary>
    public bool ClaimFire(string scheduleId, DateTimeOffset scheduledFor)
    {
        var claimed = false;
        InTransaction(() =>
        {
            if (_drillSchedules.FindById(scheduleId) is { CancelledAt: null } schedule && !(schedule.LastFireAt >= scheduledFor))
            {
                schedule.LastFireAt = scheduledFor;
                claimed = _drillSchedules.Update(schedule);
            }
        });
        return claimed;
    }

    public IReadOnlyList<DrillSchedule> Schedules() => _drillSchedules.FindAll().OrderBy(s => s.CreatedAt).ToList();

    /// <summary>
    /// The next schedule number, raised in the counter (<c>counters</c>, <c>_id</c> = <c>drillSchedules</c>) in its own
    /// write transaction, so two people scheduling at once never get the same id; never behind the highest stored
    /// schedule (a file from before the counter continues from there).
    /// </summary>
    public string NextScheduleId()
    {
        var number = 0;
        InTransaction(() =>
        {
            var counted = _counters.FindById(DrillScheduleNumbers)?["last"] is { IsInt32: true } last ? last.AsInt32 : 0;
            var stored = _drillSchedules.FindAll().Select(s => int.TryParse(s.Id.AsSpan(1), out var n) ? n : 0).DefaultIfEmpty(0).Max();
            number = Math.Max(counted, stored) + 1;
            _counters.Upsert(new BsonDocument { ["_id"] = DrillScheduleNumbers, ["last"] = number });
        });
        return $"d{number}";
    }

    public void SaveRun(DrillRun run) => InTransaction(() => _drillRuns.Upsert(run));

    public DrillRun? FindRunByIncident(int incidentNumber) => _drillRuns.FindOne(r => r.IncidentNumber == incidentNumber);

    public IReadOnlyList<DrillRun> RunsOf(string scheduleId) => _drillRuns.Find(r => r.ScheduleId == scheduleId).OrderByDescending(r => r.ScheduledFor).ToList();

    public Rca.RcaDocument? FindRca(int incidentNumber) => _rcas.FindById(incidentNumber);

    public Rca.RcaDocument? SaveRcaVersion(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, int historyBytes)
    {
        Rca.RcaDocument? saved = null;
        InTransaction(() =>
        {
            var document = _rcas.FindById(incidentNumber) ?? new Rca.RcaDocument { IncidentNumber = incidentNumber };
            var current = document.Versions.Count == 0 ? 0 : document.Current.Version;
            if (current != expectedVersion)
            {
                return;
            }
            // Saving the text that is already current is not a new version: a client that saves on every keystroke
            // or retries a save must not fill the history with copies.
            if (current == 0 || document.Current.Markdown != markdown)
            {
                document.Versions.Add(new Rca.RcaVersion { Version = current + 1, Markdown = markdown, Author = author, SavedAt = at });
                document.DropOldVersions(historyBytes);
                _rcas.Upsert(document);
            }
            saved = document;
        });
        return saved;
    }

    public Rca.RcaDocument? CompleteRca(int incidentNumber, string completedBy, DateTimeOffset completedAt)
    {
        Rca.RcaDocument? completed = null;
        InTransaction(() =>
        {
            if (_rcas.FindById(incidentNumber) is { } document)
            {
                document.CompletedAt = completedAt;
                document.CompletedBy = completedBy;
                _rcas.Update(document);
                completed = document;
            }
        });
        return completed;
    }

    public IReadOnlyList<Rca.RcaDocument> Rcas() => _rcas.FindAll().OrderBy(r => r.IncidentNumber).ToList();

    public RunbookVersionRecord? FindRunbookVersion(string version) => _runbookVersions.FindById(version);

    public int LastNumber() =>
        _incidents.Query().OrderByDescending("_id").Select(i => i.Number).FirstOrDefault();

    internal const string CountersCollection = "counters";
    private const string IncidentNumbers = "incidentNumbers";
    private const string DrillScheduleNumbers = "drillSchedules";

    /// <summary>
    /// The incident number counter (<c>counters</c>, <c>_id</c> = <c>incidentNumbers</c>, <c>last</c>), raised in its
    /// own write transaction so no two callers get the same number. It is never behind the highest stored incident:
    /// a file from before the counter, or a crash that lost a raise whose incident was lost with it, continues from
    /// there. Not flushed on its own: the commit that stores the incident flushes it too.
    /// </summary>
    public int NextNumber()
    {
        var number = 0;
        InTransaction(() =>
        {
            var counted = _counters.FindById(IncidentNumbers)?["last"] is { IsInt32: true } last ? last.AsInt32 : 0;
            number = Math.Max(counted, LastNumber()) + 1;
            _counters.Upsert(new BsonDocument { ["_id"] = IncidentNumbers, ["last"] = number });
        }, durable: false);
        return number;
    }

    public void Commit(IncidentChanges changes)
    {
        if (changes.IsEmpty)
        {
            // Nothing to write, but what the operation decided on must still be as it read it.
            StillAsRead(changes.Unchanged);
            return;
        }
        // Correlating alerts is acknowledged to nobody and can be replayed: if a crash loses this commit, the inbox
        // entries it deletes are still there and are processed again. It skips the checkpoint; the next
        // acknowledged write (a webhook, a command, a delivered message) flushes it with everything before it.
        var replayable = changes.ConsumedInboxEntries.Count > 0;
        // Turned into documents before taking the write lock: during a storm the lock is busy all the time, and
        // mapping hundreds of alerts (raw JSON included) is work nobody else needs to wait for.
        var incidents = changes.Incidents.Values.Select(_mapper.ToDocument).ToList();
        // Alerts the correlation found absent are inserted: an upsert would look each one up again.
        var newAlerts = changes.Alerts.Values.Where(a => changes.NewAlerts.Contains(a.Id)).Select(_mapper.ToDocument).ToList();
        var changedAlerts = changes.Alerts.Values.Where(a => !changes.NewAlerts.Contains(a.Id)).Select(_mapper.ToDocument).ToList();
        try
        {
            InTransaction(() =>
            {
                StillAsRead(changes.Unchanged);
                NextVersions(incidents, changes.NewIncidents);
                OneOpenIncidentPerGroup(changes);
                _incidentDocuments.Upsert(incidents);
                _alertDocuments.InsertBulk(newAlerts);
                _alertDocuments.Upsert(changedAlerts);
                _timeline.InsertBulk(changes.Timeline);
                _outbox.InsertBulk(changes.Outbox);
                _runbookVersions.Upsert(changes.RunbookVersions.Values);
                _drillRuns.Upsert(changes.DrillRuns);
                foreach (var id in changes.ConsumedInboxEntries)
                {
                    _inbox.Delete(id);
                }
            }, durable: !replayable);
        }
        catch
        {
            _openIncidents.Forget();
            throw;
        }
        foreach (var incident in changes.Incidents.Values)
        {
            incident.Version++;
        }
        _openIncidents.Written(changes.Incidents.Values);
        if (replayable)
        {
            lock (_leases)
            {
                changes.ConsumedInboxEntries.ForEach(id => _inboxLeases.Remove(id));
            }
        }
    }

    /// <summary>An incident document's version; one stored before versions existed has none, which reads as 0.</summary>
    private static int VersionOf(BsonDocument incident) => incident[nameof(Incident.Version)] is { IsInt32: true } version ? version.AsInt32 : 0;

    /// <summary>Refuses the commit when an incident the operation read and left unchanged is no longer at the version read.</summary>
    private void StillAsRead(Dictionary<int, int> unchanged)
    {
        foreach (var (number, read) in unchanged)
        {
            if (_incidentDocuments.FindById(number) is not { } stored || VersionOf(stored) != read)
            {
                throw new IncidentConflictException(number);
            }
        }
    }

    /// <summary>
    /// Inside the commit's transaction, so no other write comes between the check and the write: refuses the commit
    /// when a changed incident is no longer at the version it was read at (or one the operation opened already
    /// exists), and raises each version by one. An incident stored before versions existed has none, which reads as 0.
    /// </summary>
    private void NextVersions(List<BsonDocument> incidents, HashSet<int> opened)
    {
        foreach (var document in incidents)
        {
            var number = document["_id"].AsInt32;
            var read = VersionOf(document);
            var stored = _incidentDocuments.FindById(number);
            if (stored is not null && (opened.Contains(number) || VersionOf(stored) != read))
            {
                throw new IncidentConflictException(number);
            }
            document[nameof(Incident.Version)] = read + 1;
        }
    }

    /// <summary>
    /// Inside the commit's transaction: refuses an incident the operation opens for an alert group while another
    /// incident of that group is open (and stays open after this commit). Only opened incidents are checked, so a
    /// file that already holds two open incidents of one group (from before this check) keeps working.
    /// </summary>
    private void OneOpenIncidentPerGroup(IncidentChanges changes)
    {
        foreach (var number in changes.NewIncidents)
        {
            if (changes.Incidents[number] is not { GroupKey: { } key, Status: var status } || !status.IsOpen())
            {
                continue;
            }
            var open = _incidents.Query().Where("$.GroupKey = @0", key).ToEnumerable()
                .FirstOrDefault(i => i.Number != number && (changes.Incidents.TryGetValue(i.Number, out var changed) ? changed : i).Status.IsOpen());
            if (open is not null)
            {
                throw new IncidentConflictException(number, $"{open.Reference} is already open for its alert group");
            }
        }
    }

    public void Append(IReadOnlyList<InboxEntry> entries)
    {
        // Mapped before taking the write lock (see Commit). A new entry has no id yet: LiteDB assigns it on insert.
        var documents = entries.Select(entry =>
        {
            var document = _mapper.ToDocument(entry);
            if (entry.Id == 0)
            {
                document.Remove("_id");
            }
            return document;
        }).ToList();
        InTransaction(() => _inboxDocuments.InsertBulk(documents));
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Id = documents[i]["_id"].AsInt64;
        }
    }

    public IReadOnlyList<InboxEntry> Claim(string owner, int max, DateTimeOffset now, TimeSpan lease)
    {
        // Only reads the file, so it takes no write lock. It walks the _id index in order and stops at max: a
        // condition LiteDB could answer from the DeadLettered index made it seek that index instead, then load and
        // sort every pending entry on each claim (during a storm, the whole inbox).
        lock (_leases)
        {
            var claimed = _inbox.Query()
                .OrderBy("_id")
                .ToEnumerable()
                .Where(entry => !entry.DeadLettered && !(_inboxLeases.TryGetValue(entry.Id, out var until) && until >= now))
                .Take(max)
                .ToList();
            foreach (var entry in claimed)
            {
                _inboxLeases[entry.Id] = now + lease;
                entry.LeaseOwner = owner;
                entry.LeaseUntil = now + lease;
                // The file holds the failed attempts so far; this claim is the next attempt.
                entry.Attempts++;
            }
            return claimed;
        }
    }

    /// <summary>
    /// Counts the failed attempt in the file (so it survives a restart) and keeps the lease: the entry is retried
    /// once the lease runs out, or never again when dead-lettered.
    /// </summary>
    public void RecordFailure(long id, string error, bool deadLetter)
    {
        InTransaction(() =>
        {
            if (_inbox.FindById(id) is { } entry)
            {
                entry.Attempts++;
                entry.LastError = error;
                entry.DeadLettered = deadLetter;
                _inbox.Update(entry);
            }
        }, durable: false);
        if (deadLetter)
        {
            lock (_leases)
            {
                _inboxLeases.Remove(id);
            }
        }
    }

    public int PendingCount() => _inbox.Count("$.DeadLettered = false");

    // Seeks the DeadLettered index and stops at the first entry: asked once per webhook group commit.
    public bool HasPending() => _inbox.Exists("$.DeadLettered = false");

    /// <summary>Closes the file for good: a call that fails after this never opens it again (see <see cref="Reopen"/>).</summary>
    public void Dispose()
    {
        lock (_write)
        {
            _disposed = true;
        }
        _db.Dispose();
    }

    public bool Probe(out string? problem)
    {
        try
        {
            InTransaction(() => _probe.Upsert(new BsonDocument { ["_id"] = 1, ["at"] = DateTime.UtcNow.Ticks }), durable: false);
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is LiteException or IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return false;
        }
    }

    /// <summary>
    /// A direct-mode LiteDB file is open in one process only, so any lease found at start-up belongs to a process
    /// that died; waiting for it to expire would only delay alerts after a crash.
    /// </summary>
    private void ReleaseLeases(ILogger logger)
    {
        var inbox = 0;
        var outbox = 0;
        InTransaction(() =>
        {
            inbox = _inbox.UpdateMany("{ LeaseOwner: null, LeaseUntil: null }", "$.LeaseUntil != null");
            outbox = _outbox.UpdateMany("{ LeaseOwner: null, LeaseUntil: null }", "$.LeaseUntil != null");
        });
        if (inbox + outbox > 0)
        {
            logger.LogWarning("Released {Inbox} alert and {Outbox} chat leases left by a process that stopped without finishing them", inbox, outbox);
        }
    }

    private void InTransaction(Action write, bool durable = true)
    {
        lock (_write)
        {
            ReopenIfNeeded();
            _db.BeginTrans();
            try
            {
                write();
                _db.Commit();
            }
            catch (Exception failure)
            {
                RollBack(failure);
                throw;
            }
            // LiteDB's Commit only queues the log pages for a background writer; a crash right after it loses the
            // transaction. A checkpoint waits for that writer and flushes, so what we acknowledge is on disk.
            if (durable)
            {
                Checkpoint();
            }
        }
    }
}
