using IncidentBot.Incidents;

namespace IncidentBot.Storage;

/// <summary>
/// Incidents, their alerts and their timelines. Reads return what was committed before they started; a commit is
/// seen whole or not at all.
/// </summary>
public interface IIncidentStore
{
    ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>The open incident (triggered, acknowledged or mitigated) for an alert group, if any.</summary>
    ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The open incidents of these alert groups, at most one per group (the one <see cref="FindOpenByGroupKeyAsync"/>
    /// answers), in one read; a group with no open incident is simply not returned, and a key given twice counts once.
    /// </summary>
    /// <remarks>
    /// For the operation about to commit: a store may answer with the incidents as this process last committed them,
    /// without asking whether another process changed them since (PostgreSQL does, see <c>PostgresIncidentSnapshots</c>).
    /// So the operation's commit must check every incident it got here: a changed one by its version, as always, and
    /// the others through <see cref="IncidentChanges.Unchanged"/>. <see cref="IncidentTransaction"/> does both.
    /// </remarks>
    ValueTask<IReadOnlyList<Incident>> FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    ValueTask<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken = default);

    /// <summary>Oldest first (by when each alert was first seen).</summary>
    ValueTask<IReadOnlyList<IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>The alert first seen in the incident (the one whose words its header card shows), or null.</summary>
    ValueTask<IncidentAlert?> FirstAlertOfAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="FirstAlertOfAsync"/> of each of these incidents in one read, by incident number; an incident with no
    /// alert is simply not in it.
    /// </summary>
    ValueTask<IReadOnlyDictionary<int, IncidentAlert>> FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken = default);

    ValueTask<IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The alerts among these ids that are stored (the others are simply not returned).</summary>
    /// <remarks>
    /// For the operation about to commit, with the incidents it got from <see cref="FindOpenByGroupKeysAsync"/> and
    /// <see cref="ListAsync"/>: a store may leave out an alert of an open incident as this process last committed it,
    /// without asking whether another process stored it since (PostgreSQL does). The operation then attaches it, which
    /// changes the incident, so its commit checks the incident's version, and the alert's id, unique, refuses a second
    /// copy as a conflict (<see cref="Incidents.IncidentConflictException"/>).
    /// </remarks>
    ValueTask<IReadOnlyList<IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Oldest first.</summary>
    ValueTask<IReadOnlyList<TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands out the next incident number: never the same one twice, to any caller in any process, and never one
    /// an incident already has. A number whose operation is never committed stays unused, so numbers may skip.
    /// </summary>
    ValueTask<int> NextNumberAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// <paramref name="count"/> numbers as <see cref="NextNumberAsync"/> hands them out, in one read where the store
    /// can (a batch that opens many incidents); numbers left unused simply stay unused.
    /// </summary>
    async ValueTask<IReadOnlyList<int>> NextNumbersAsync(int count, CancellationToken cancellationToken = default)
    {
        var numbers = new List<int>(count);
        while (numbers.Count < count)
        {
            numbers.Add(await NextNumberAsync(cancellationToken));
        }
        return numbers;
    }

    /// <summary>
    /// Stores every change as one unit: all of it, or none of it. Once this returns, the changes survive a crash;
    /// when it throws, nothing the caller can rely on was stored (retrying the whole operation is safe).
    /// Two writers never lose each other's update: each changed incident must still be at the
    /// <see cref="Incident.Version"/> it was read at, and each of <see cref="IncidentChanges.NewIncidents"/> must not
    /// exist yet nor, while open, share its alert group with another open incident (one open incident per group),
    /// or nothing is stored and <see cref="IncidentConflictException"/> is thrown. On success every stored incident's
    /// <see cref="Incident.Version"/> has gone up by one.
    /// </summary>
    ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken = default);
}

/// <summary>
/// Which incidents to list; <paramref name="Before"/> pages back from a number (newest first). The other filters are
/// all optional and all must hold; <see cref="Matches"/> says what each one means, and every store answers the same.
/// </summary>
public sealed record IncidentQuery(IncidentStatusFilter Status = IncidentStatusFilter.All, int Limit = 100, int? Before = null)
{
    public Severity? Severity { get; init; }

    /// <summary>The incident's service, compared ignoring ASCII case; an incident without a service never matches.</summary>
    public string? Service { get; init; }

    /// <summary>True: drills only; false: real incidents only.</summary>
    public bool? IsDrill { get; init; }

    /// <summary>Text the title contains, ignoring ASCII case; taken literally (no wildcards).</summary>
    public string? TitleContains { get; init; }

    /// <summary>Incidents of this alert group only, open or not.</summary>
    public string? GroupKey { get; init; }

    /// <summary>
    /// True: only incidents whose on-call ask waits for its person's answer (someone was asked, has not accepted, and
    /// the ask is not exhausted); false: only the others. What the escalation sweep reads instead of every open incident.
    /// </summary>
    public bool? OnCallWaiting { get; init; }

    /// <summary>Only incidents whose status-update reminder is due at or before this time (<see cref="Incident.ReminderDueAt"/>).</summary>
    public DateTimeOffset? ReminderDueBy { get; init; }

    /// <summary>
    /// Only incidents numbered within this many of the highest number stored (the newest ones): a filter no index
    /// serves (such as <see cref="GroupKey"/> among resolved incidents) then reads a bounded number of rows.
    /// </summary>
    public int? AmongLatest { get; init; }

    /// <summary>
    /// True when the incident passes every filter but <see cref="Limit"/> and <see cref="AmongLatest"/>, which
    /// depend on the other incidents (the meaning every store follows).
    /// </summary>
    public bool Matches(Incident incident) =>
        Status switch
        {
            IncidentStatusFilter.Open => incident.Status.IsOpen(),
            IncidentStatusFilter.Resolved => !incident.Status.IsOpen(),
            _ => true,
        }
        && (Before is not { } before || incident.Number < before)
        && (Severity is not { } severity || incident.Severity == severity)
        && (Service is null || incident.Service is { } service && AsciiLower(service) == AsciiLower(Service))
        && (IsDrill is not { } drill || incident.IsDrill == drill)
        && (TitleContains is null || AsciiLower(incident.Title).Contains(AsciiLower(TitleContains), StringComparison.Ordinal))
        && (GroupKey is null || incident.GroupKey == GroupKey)
        && (OnCallWaiting is not { } waiting || IsOnCallWaiting(incident) == waiting)
        && (ReminderDueBy is not { } dueBy || incident.ReminderDueAt is { } due && due <= dueBy);

    /// <summary>What <see cref="OnCallWaiting"/> means for one incident.</summary>
    public static bool IsOnCallWaiting(Incident incident) => incident.OnCall is { Handle: not null, AcceptedAt: null, Exhausted: false };

    /// <summary>
    /// Lower case for A-Z only: what PostgreSQL's <c>lower()</c> does under any collation for ASCII, so a search
    /// finds the same incidents on both stores (other letters must match exactly).
    /// </summary>
    public static string AsciiLower(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + 32) : source[i];
        }
    });
}

/// <summary>Open (triggered, acknowledged, mitigated), resolved (resolved, closed) or all.</summary>
public enum IncidentStatusFilter
{
    All,
    Open,
    Resolved,
}
