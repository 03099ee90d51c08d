using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;

namespace IncidentBot.Tests.Storage;

/// <summary>
/// The real LiteDB store behind a switch that makes every write fail as a full disk does, while reads still reach
/// the file.
/// </summary>
/// <remarks>
/// Why a switch as well as a real full file system (<see cref="RealDiskFullTests"/>): the switch fails every write
/// exactly when the test says, and keeps failing it, so everything above the storage interfaces (inbox, processor,
/// outbox, readiness) is tested against a steady outage. A full tmpfs shows how LiteDB itself copes.
/// </remarks>
public sealed class FullDiskStorage(LiteDbStorage disk) : IIncidentStore, IAlertInboxStore, IOutboxStore, IStorageHealth
{
    private volatile bool _full;

    /// <summary>While true, every write throws <see cref="IOException"/> "No space left on device".</summary>
    public bool Full { get => _full; set => _full = value; }

    private IIncidentStore Incidents => disk;

    private IAlertInboxStore Inbox => disk;

    private IOutboxStore Outbox => disk;

    public ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken = default) => Incidents.FindAsync(number, cancellationToken);

    public ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken = default) => Incidents.FindOpenByGroupKeyAsync(groupKey, cancellationToken);

    public ValueTask<IReadOnlyList<Incident>> FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken = default) =>
        Incidents.FindOpenByGroupKeysAsync(groupKeys, cancellationToken);

    public ValueTask<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken = default) => Incidents.ListAsync(query, cancellationToken);

    public ValueTask<IReadOnlyList<IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken = default) => Incidents.AlertsOfAsync(number, cancellationToken);

    public ValueTask<IncidentAlert?> FirstAlertOfAsync(int number, CancellationToken cancellationToken = default) => Incidents.FirstAlertOfAsync(number, cancellationToken);
    public ValueTask<IReadOnlyDictionary<int, IncidentAlert>> FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken = default) => Incidents.FirstAlertsOfAsync(numbers, cancellationToken);

    public ValueTask<IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken = default) => Incidents.FindAlertAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => Incidents.FindAlertsAsync(ids, cancellationToken);

    public ValueTask<IReadOnlyList<TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken = default) => Incidents.TimelineOfAsync(number, cancellationToken);

    public ValueTask<int> NextNumberAsync(CancellationToken cancellationToken = default) => Write(() => Incidents.NextNumberAsync(cancellationToken));

    public ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken = default) => Write(() => Incidents.CommitAsync(changes, cancellationToken));

    public ValueTask AppendAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken = default) => Write(() => Inbox.AppendAsync(entries, cancellationToken));

    public ValueTask<IReadOnlyList<InboxEntry>> ClaimAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        Write(() => Inbox.ClaimAsync(owner, max, now, lease, cancellationToken));

    public ValueTask RecordFailureAsync(long id, string error, bool deadLetter, CancellationToken cancellationToken = default) => Write(() => Inbox.RecordFailureAsync(id, error, deadLetter, cancellationToken));

    ValueTask<int> IAlertInboxStore.PendingCountAsync(CancellationToken cancellationToken) => Inbox.PendingCountAsync(cancellationToken);

    public ValueTask<bool> HasPendingAsync(CancellationToken cancellationToken = default) => Inbox.HasPendingAsync(cancellationToken);

    public ValueTask<IReadOnlyList<OutboxItem>> ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default) =>
        Write(() => Outbox.ClaimDueAsync(owner, now, lease, max, cancellationToken));

    public ValueTask MarkDeliveredAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default) => Write(() => Outbox.MarkDeliveredAsync(id, at, cancellationToken));

    public ValueTask RescheduleAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        Write(() => Outbox.RescheduleAsync(id, nextAttemptAt, error, cancellationToken));

    public ValueTask MarkFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken = default) => Write(() => Outbox.MarkFailedAsync(id, at, error, cancellationToken));

    ValueTask<int> IOutboxStore.PendingCountAsync(CancellationToken cancellationToken) => Outbox.PendingCountAsync(cancellationToken);

    public ValueTask<string?> ProbeAsync(CancellationToken cancellationToken = default) =>
        _full ? ValueTask.FromResult<string?>("No space left on device") : ((IStorageHealth)disk).ProbeAsync(cancellationToken);

    private ValueTask Write(Func<ValueTask> write) => _full ? ValueTask.FromException(new IOException("No space left on device")) : write();

    private ValueTask<T> Write<T>(Func<ValueTask<T>> write) => _full ? ValueTask.FromException<T>(new IOException("No space left on device")) : write();
}
