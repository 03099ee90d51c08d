using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// The store interfaces over the synchronous methods above. LiteDB has no asynchronous API and an embedded file
/// answers in microseconds, so each operation runs on the caller's thread and completes before it returns; a token
/// already cancelled stops it before it starts, and a failure is returned in the task like any other store's.
/// </summary>
public sealed partial class LiteDbStorage
{
    ValueTask<Incident?> IIncidentStore.FindAsync(int number, CancellationToken cancellationToken) => Run(() => Find(number), cancellationToken);

    ValueTask<Incident?> IIncidentStore.FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken) => Run(() => FindOpenByGroupKey(groupKey), cancellationToken);

    ValueTask<IReadOnlyList<Incident>> IIncidentStore.FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken) =>
        Run(() => FindOpenByGroupKeys(groupKeys), cancellationToken);

    ValueTask<IReadOnlyList<Incident>> IIncidentStore.ListAsync(IncidentQuery query, CancellationToken cancellationToken) => Run(() => List(query), cancellationToken);

    ValueTask<IReadOnlyList<IncidentAlert>> IIncidentStore.AlertsOfAsync(int number, CancellationToken cancellationToken) => Run(() => AlertsOf(number), cancellationToken);

    ValueTask<IncidentAlert?> IIncidentStore.FirstAlertOfAsync(int number, CancellationToken cancellationToken) => Run(() => FirstAlertOf(number), cancellationToken);

    ValueTask<IReadOnlyDictionary<int, IncidentAlert>> IIncidentStore.FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken) =>
        Run<IReadOnlyDictionary<int, IncidentAlert>>(() => numbers.Distinct().Select(FirstAlertOf).OfType<IncidentAlert>().ToDictionary(a => a.IncidentNumber), cancellationToken);

    ValueTask<IncidentAlert?> IIncidentStore.FindAlertAsync(string id, CancellationToken cancellationToken) => Run(() => FindAlert(id), cancellationToken);

    ValueTask<IReadOnlyList<IncidentAlert>> IIncidentStore.FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) => Run(() => FindAlerts(ids), cancellationToken);

    ValueTask<IReadOnlyList<TimelineEntry>> IIncidentStore.TimelineOfAsync(int number, CancellationToken cancellationToken) => Run(() => TimelineOf(number), cancellationToken);

    ValueTask<int> IIncidentStore.NextNumberAsync(CancellationToken cancellationToken) => Run(NextNumber, cancellationToken);

    ValueTask IIncidentStore.CommitAsync(IncidentChanges changes, CancellationToken cancellationToken) => Run(() => Commit(changes), cancellationToken);

    ValueTask IAlertInboxStore.AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken) => Run(() => Append(entries), cancellationToken);

    ValueTask<IReadOnlyList<InboxEntry>> IAlertInboxStore.ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => Run(() => Claim(owner, max, now, lease), cancellationToken);

    ValueTask IAlertInboxStore.RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken) => Run(() => RecordFailure(id, error, deadLetter), cancellationToken);

    ValueTask<int> IAlertInboxStore.PendingCountAsync(CancellationToken cancellationToken) => Run(PendingCount, cancellationToken);

    ValueTask<bool> IAlertInboxStore.HasPendingAsync(CancellationToken cancellationToken) => Run(HasPending, cancellationToken);

    ValueTask<IReadOnlyList<OutboxItem>> IOutboxStore.ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) => Run(() => ClaimDue(owner, now, lease, max), cancellationToken);

    ValueTask IOutboxStore.MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => Run(() => MarkDelivered(id, at), cancellationToken);

    ValueTask IOutboxStore.RescheduleAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) => Run(() => Reschedule(id, nextAttemptAt, error), cancellationToken);

    ValueTask IOutboxStore.MarkFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken) => Run(() => MarkFailed(id, at, error), cancellationToken);

    ValueTask<int> IOutboxStore.PendingCountAsync(CancellationToken cancellationToken) => Run(OutboxPendingCount, cancellationToken);

    ValueTask<string?> IStorageHealth.ProbeAsync(CancellationToken cancellationToken) => Run(() => Probe(out var problem) ? null : problem, cancellationToken);

    ValueTask<Stream> IStorageBackup.OpenBackupAsync(CancellationToken cancellationToken) => Run(OpenBackup, cancellationToken);

    ValueTask<RunbookVersionRecord?> IRunbookVersionStore.FindRunbookVersionAsync(string version, CancellationToken cancellationToken) => Run(() => FindRunbookVersion(version), cancellationToken);

    ValueTask IRoomMessageStore.AppendAsync(RoomMessage message, CancellationToken cancellationToken) => Run(() => Append(message), cancellationToken);

    ValueTask<IReadOnlyList<RoomMessage>> IRoomMessageStore.RoomOfAsync(int incidentNumber, long afterId, int limit, CancellationToken cancellationToken) => Run(() => RoomOf(incidentNumber, afterId, limit), cancellationToken);

    ValueTask<bool> IDeduplicationStore.TryRecordAsync(DeduplicationKey key, DateTimeOffset now, CancellationToken cancellationToken) => Run(() => TryRecord(key, now), cancellationToken);

    ValueTask<int> IDeduplicationStore.PruneExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => Run(() => PruneExpired(now), cancellationToken);

    ValueTask IDrillStore.SaveScheduleAsync(DrillSchedule schedule, CancellationToken cancellationToken) => Run(() => SaveSchedule(schedule), cancellationToken);

    ValueTask<DrillSchedule?> IDrillStore.FindScheduleAsync(string id, CancellationToken cancellationToken) => Run(() => FindSchedule(id), cancellationToken);

    ValueTask<IReadOnlyList<DrillSchedule>> IDrillStore.SchedulesAsync(CancellationToken cancellationToken) => Run(Schedules, cancellationToken);

    ValueTask<bool> IDrillStore.ClaimFireAsync(string scheduleId, DateTimeOffset scheduledFor, CancellationToken cancellationToken) => Run(() => ClaimFire(scheduleId, scheduledFor), cancellationToken);

    ValueTask<string> IDrillStore.NextScheduleIdAsync(CancellationToken cancellationToken) => Run(NextScheduleId, cancellationToken);

    ValueTask IDrillStore.SaveRunAsync(DrillRun run, CancellationToken cancellationToken) => Run(() => SaveRun(run), cancellationToken);

    ValueTask<DrillRun?> IDrillStore.FindRunByIncidentAsync(int incidentNumber, CancellationToken cancellationToken) => Run(() => FindRunByIncident(incidentNumber), cancellationToken);

    ValueTask<IReadOnlyList<DrillRun>> IDrillStore.RunsOfAsync(string scheduleId, CancellationToken cancellationToken) => Run(() => RunsOf(scheduleId), cancellationToken);

    ValueTask<RcaDocument?> IRcaStore.FindRcaAsync(int incidentNumber, CancellationToken cancellationToken) => Run(() => FindRca(incidentNumber), cancellationToken);

    ValueTask<RcaDocument?> IRcaStore.SaveRcaVersionAsync(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, int historyBytes, CancellationToken cancellationToken) =>
        Run(() => SaveRcaVersion(incidentNumber, markdown, author, at, expectedVersion, historyBytes), cancellationToken);

    ValueTask<RcaDocument?> IRcaStore.CompleteRcaAsync(int incidentNumber, string completedBy, DateTimeOffset completedAt, CancellationToken cancellationToken) =>
        Run(() => CompleteRca(incidentNumber, completedBy, completedAt), cancellationToken);

    ValueTask<IReadOnlyList<RcaDocument>> IRcaStore.RcasAsync(CancellationToken cancellationToken) => Run(Rcas, cancellationToken);

    private ValueTask<T> Run<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }
        var db = _db;
        try
        {
            return ValueTask.FromResult(operation());
        }
        catch (Exception ex)
        {
            ReopenIfClosed(db, ex);
            return ValueTask.FromException<T>(ex);
        }
    }

    private ValueTask Run(Action operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        var db = _db;
        try
        {
            operation();
            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            ReopenIfClosed(db, ex);
            return ValueTask.FromException(ex);
        }
    }
}
