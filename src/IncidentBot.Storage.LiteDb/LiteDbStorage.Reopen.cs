using System.Diagnostics.CodeAnalysis;
using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Recovery from failed writes (a full disk). LiteDB's rollback writes too; when it fails ("discarded page must be
/// writable", or the same "No space left on device"), the transaction stays open on the thread that began it and
/// keeps its collection write locks, so every write from another thread waits out the lock timeout and fails, even
/// after space is freed; pages it left in LiteDB's shared cache fail later transactions with "page must be writable
/// to support changes" (INVALID_DATAFILE_STATE). Only closing the database releases them. Reopening the same file then recovers from its
/// log exactly what was committed, as after a crash, so nothing acknowledged is lost.
/// </summary>
public sealed partial class LiteDbStorage
{
    // No write holds a lock for long: the write lock above LiteDB serialises them. A lock held longer than this is
    // a stuck transaction, and a sender is better told to retry within its own timeout than after LiteDB's minute.
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    // Set when a failed write closed the database and opening it again failed too; the next write tries again.
    private bool _mustReopen;
    private Exception? _openFailure;

    // Set (under the write lock) once the store is disposed: the file is then left closed whatever fails.
    private bool _disposed;

    [MemberNotNull(nameof(_db), nameof(_incidents), nameof(_alerts), nameof(_timeline), nameof(_inbox), nameof(_inboxDocuments), nameof(_alertDocuments), nameof(_incidentDocuments), nameof(_outbox),
        nameof(_probe), nameof(_runbookVersions), nameof(_room), nameof(_references), nameof(_deduplication), nameof(_drillSchedules), nameof(_drillRuns), nameof(_rcas), nameof(_counters))]
    private void Open()
    {
        // A new file gets the schema's collation; an existing one keeps its own (LiteDB refuses a different one), and
        // the schema migration rebuilds an old one.
        var collation = File.Exists(Path) ? null : LiteDbSchema.Collation;
        var db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct, Collation = collation }, _mapper) { Timeout = LockTimeout };
        _incidents = db.GetCollection<Incident>("incidents");
        _alerts = db.GetCollection<IncidentAlert>("alerts");
        _timeline = db.GetCollection<TimelineEntry>("timeline");
        _inbox = db.GetCollection<InboxEntry>("inbox");
        _inboxDocuments = db.GetCollection("inbox", BsonAutoId.Int64);
        _alertDocuments = db.GetCollection("alerts");
        _incidentDocuments = db.GetCollection("incidents");
        _outbox = db.GetCollection<OutboxItem>("outbox");
        _probe = db.GetCollection("probe");
        _runbookVersions = db.GetCollection<RunbookVersionRecord>("runbookVersions");
        _room = db.GetCollection<RoomMessage>("roomMessages");
        _references = db.GetCollection(ReferencesCollection);
        _deduplication = db.GetCollection(DeduplicationCollection);
        _drillSchedules = db.GetCollection<DrillSchedule>("drillSchedules");
        _drillRuns = db.GetCollection<DrillRun>("drillRuns");
        _rcas = db.GetCollection<Rca.RcaDocument>("rcas");
        _counters = db.GetCollection(CountersCollection);
        _db = db;
    }

    /// <summary>Rolls back a failed transaction; reopens the file when the failure or the rollback touched the disk.</summary>
    private void RollBack(Exception failure)
    {
        try
        {
            _db.Rollback();
        }
        catch (Exception rollbackFailure)
        {
            Reopen(rollbackFailure);
            return;
        }
        // Even a clean rollback after an I/O error leaves LiteDB's caches unsure of what reached the file; and
        // INVALID_DATAFILE_STATE ("page must be writable...") is LiteDB saying its own pages are inconsistent.
        if (failure is IOException or LiteException { ErrorCode: LiteException.INVALID_DATAFILE_STATE } || IsClosed(failure))
        {
            Reopen(failure);
        }
    }

    /// <summary>
    /// LiteDB closes its engine itself after some failures (LiteDB issue 2792: "page type must be collection page"), and
    /// every later call then fails ("Cannot access a closed file", "This engine instance already disposed") until the file is
    /// opened again. The call that met it still fails (a write may or may not have reached the log, so it is not run
    /// again here; its caller retries, as after any failed write), and the file is reopened for the next one, which
    /// recovers from the log what was committed. <paramref name="db"/> is the database the call used: when another call
    /// has reopened it meanwhile, nothing more is done.
    /// </summary>
    private void ReopenIfClosed(LiteDatabase db, Exception failure)
    {
        if (!IsClosed(failure))
        {
            return;
        }
        lock (_write)
        {
            if (ReferenceEquals(db, _db) && !_mustReopen)
            {
                Reopen(failure, engineClosed: true);
            }
        }
    }

    private static bool IsClosed(Exception failure) =>
        failure is ObjectDisposedException or LiteException { ErrorCode: LiteException.ENGINE_DISPOSED or LiteException.DATABASE_SHUTDOWN };

    /// <summary>A checkpoint that fails leaves the committed transaction in the log, which reopening recovers.</summary>
    private void Checkpoint()
    {
        try
        {
            _db.Checkpoint();
        }
        catch (IOException failure)
        {
            Reopen(failure);
            throw;
        }
    }

    /// <summary>Called under the write lock: after a failed reopen, writes retry it and fail at once while it fails.</summary>
    private void ReopenIfNeeded()
    {
        if (_mustReopen && !_disposed && !TryOpen())
        {
            throw new IOException($"The data file cannot be opened again after a failed write: {_openFailure?.Message}", _openFailure);
        }
    }

    private void Reopen(Exception cause, bool engineClosed = false)
    {
        if (_disposed)
        {
            return;
        }
        if (engineClosed)
        {
            _logger.LogWarning(cause, "LiteDB closed the data file after a failure; opening it again");
        }
        else
        {
            _logger.LogWarning(cause, "A write to the data file failed; closing and reopening it so LiteDB lets go of the failed transaction");
        }
        try
        {
            if (!LiteDbAbandonedTransactions.SuppressFinalizers(_db))
            {
                _logger.LogError("Cannot reach LiteDB's transactions to switch off their finalizers; a failed one may end the process when collected");
            }
            _db.Dispose();
        }
        catch (Exception closeFailure)
        {
            // Closing checkpoints the log into the data file, which may fail too; the log stays and is read on reopening.
            _logger.LogWarning(closeFailure, "Closing the data file after a failed write failed as well");
        }
        _openIncidents.Forget();
        TryOpen();
    }

    private bool TryOpen()
    {
        try
        {
            Open();
            _mustReopen = false;
            return true;
        }
        catch (Exception ex) when (ex is IOException or LiteException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "The data file cannot be opened again; writes fail until it can");
            _openFailure = ex;
            _mustReopen = true;
            return false;
        }
    }
}
