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

    public Incident? Find(int number) => disk.Find(number);

    public Incident? FindOpenByGroupKey(string groupKey) => disk.FindOpenByGroupKey(groupKey);

    public IReadOnlyList<Incident> List(IncidentQuery query) => disk.List(query);

    public IReadOnlyList<IncidentAlert> AlertsOf(int number) => disk.AlertsOf(number);

    public IncidentAlert? FindAlert(string id) => disk.FindAlert(id);

    public IReadOnlyList<IncidentAlert> FindAlerts(IReadOnlyCollection<string> ids) => disk.FindAlerts(ids);

    public IReadOnlyList<TimelineEntry> TimelineOf(int number) => disk.TimelineOf(number);

    public int LastNumber() => disk.LastNumber();

    public void Commit(IncidentChanges changes) => Write(() => disk.Commit(changes));

    public void Append(IReadOnlyList<InboxEntry> entries) => Write(() => disk.Append(entries));

    public IReadOnlyList<InboxEntry> Claim(string owner, int max, DateTimeOffset now, TimeSpan lease) => Write(() => disk.Claim(owner, max, now, lease));

    public void RecordFailure(long id, string error, bool deadLetter) => Write(() => disk.RecordFailure(id, error, deadLetter));

    int IAlertInboxStore.PendingCount() => ((IAlertInboxStore)disk).PendingCount();

    public bool HasPending() => disk.HasPending();

    public IReadOnlyList<OutboxItem> ClaimDue(string owner, DateTimeOffset now, TimeSpan lease, int max) => Write(() => disk.ClaimDue(owner, now, lease, max));

    public void MarkDelivered(long id, DateTimeOffset at) => Write(() => disk.MarkDelivered(id, at));

    public void Reschedule(long id, DateTimeOffset nextAttemptAt, string error) => Write(() => disk.Reschedule(id, nextAttemptAt, error));

    public void MarkFailed(long id, DateTimeOffset at, string error) => Write(() => disk.MarkFailed(id, at, error));

    int IOutboxStore.PendingCount() => ((IOutboxStore)disk).PendingCount();

    public bool Probe(out string? problem)
    {
        if (_full)
        {
            problem = "No space left on device";
            return false;
        }
        return disk.Probe(out problem);
    }

    private void Write(Action write) => Write(() => { write(); return 0; });

    private T Write<T>(Func<T> write) => _full ? throw new IOException("No space left on device") : write();
}
