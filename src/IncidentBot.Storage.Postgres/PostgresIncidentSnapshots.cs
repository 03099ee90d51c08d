using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IncidentBot.Incidents;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The open incidents this process last committed, each as the version it committed and a copy of what it wrote.
/// Reading a batch's open incidents answers the groups held from the copies without asking PostgreSQL, and reads whole
/// rows (with their roles, channels and runbook sessions) only for the other groups; reading one incident by number
/// asks only for its stored version and uses the copy when it is the copy's. For an incident this process opened and
/// has committed every version of since, the copy also knows which alerts are stored in it (<see cref="KnownAbsent"/>),
/// so a batch of new alerts for it is not looked for.
/// </summary>
/// <remarks>
/// The stored version decides: every commit of an incident raises it (any replica, any version of the bot). A copy read
/// by number is used only at the stored version; a copy read by group key is checked by the operation's commit (its
/// version-checked write, or <see cref="IncidentChanges.Unchanged"/>), which refuses it when stale and lets it go
/// (<see cref="Forget"/>). So no decision taken on a stale copy is ever stored. A copy reads back as
/// the row would: times to the microsecond in UTC, channels once each and in (platform, id) order, roles in name
/// order. A row changed by hand without raising <c>version</c> is not seen, and this process's next commit of the
/// incident writes its copy over the change (docs/storage.md says so).
/// An alert said absent is attached by the operation, which changes its incident, so its commit checks the incident's
/// version; and should another writer have stored that alert meanwhile, the alert's primary key refuses the insert as
/// a conflict too. A whole read that finds an incident at another version than its copy lets the copy go
/// (<see cref="Seen"/>).
/// </remarks>
internal sealed class PostgresIncidentSnapshots(long budgetBytes = PostgresIncidentSnapshots.DefaultBudgetBytes)
{
    /// <summary>More copies than this many bytes, and they start over: they are only a shortcut.</summary>
    public const long DefaultBudgetBytes = 16 * 1024 * 1024;

    /// <summary>Only what a read sets: computed properties (an incident's reference, a session's current step) are left out.</summary>
    private static readonly JsonSerializerOptions Options = new(PostgresJson.Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                static type =>
                {
                    foreach (var property in type.Properties.Where(p => p.Set is null).ToList())
                    {
                        type.Properties.Remove(property);
                    }
                },
            },
        },
    };

    /// <summary>What an alert id costs the budget: its hash in a set, about.</summary>
    private const int BytesPerAlertId = 16;

    /// <summary>
    /// A copy: the version committed, its group, the incident as JSON, and the hashes of the ids of every alert stored in
    /// it when this process has committed each of its versions since opening it (null when not known).
    /// </summary>
    private sealed record Held(int Version, string? GroupKey, byte[] Json, HashSet<int>? AlertIds)
    {
        public long Bytes => Json.Length + (long)BytesPerAlertId * (AlertIds?.Count ?? 0);
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Held> _byNumber = [];
    // The open incident of each alert group among the copies.
    private readonly Dictionary<string, int> _byGroupKey = [];
    private long _bytes;

    /// <summary>
    /// Keeps a copy of the incidents a commit wrote (their versions already raised), with the alerts it stored in them;
    /// a closed one is let go. Never throws: the commit has happened, and an incident that cannot be copied is simply read
    /// whole next time.
    /// </summary>
    public void Committed(IncidentChanges changes)
    {
        var storedAlerts = changes.Alerts.Values.Where(a => changes.NewAlerts.Contains(a.Id)).ToLookup(a => a.IncidentNumber, a => a.Id);
        foreach (var incident in changes.Incidents.Values)
        {
            byte[]? json;
            try
            {
                json = incident.Status.IsOpen() ? JsonSerializer.SerializeToUtf8Bytes(incident, Options) : null;
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                json = null;
            }
            lock (_gate)
            {
                // Its alerts are known when it was opened by this commit, or known at the version this commit wrote over.
                var alertIds = changes.NewIncidents.Contains(incident.Number) ? []
                    : _byNumber.TryGetValue(incident.Number, out var before) && before.Version == incident.Version - 1 ? before.AlertIds : null;
                Remove(incident.Number);
                if (json is null)
                {
                    continue;
                }
                alertIds?.UnionWith(storedAlerts[incident.Number].Select(Hash));
                var held = new Held(incident.Version, incident.GroupKey, json, alertIds);
                if (_bytes + held.Bytes > budgetBytes)
                {
                    _byNumber.Clear();
                    _byGroupKey.Clear();
                    _bytes = 0;
                }
                _byNumber[incident.Number] = held;
                if (incident.GroupKey is { } groupKey)
                {
                    _byGroupKey[groupKey] = incident.Number;
                }
                _bytes += held.Bytes;
            }
        }
        // An alert stored without its incident changing (no operation does that) would leave its set short.
        Forget(storedAlerts.Select(g => g.Key).Where(n => !changes.Incidents.ContainsKey(n)));
    }

    /// <summary>Lets these incidents' copies go (a commit found one of them changed elsewhere): they are read whole next time.</summary>
    public void Forget(IEnumerable<int> numbers)
    {
        lock (_gate)
        {
            foreach (var number in numbers)
            {
                Remove(number);
            }
        }
    }

    /// <summary>
    /// Incidents just read whole: a copy at another version than the one read is stale (another writer committed since)
    /// or older than the read (a read that overtook this process's commit), and is let go either way.
    /// </summary>
    public void Seen(IEnumerable<Incident> read)
    {
        lock (_gate)
        {
            foreach (var incident in read)
            {
                if (_byNumber.TryGetValue(incident.Number, out var held) && held.Version != incident.Version)
                {
                    Remove(incident.Number);
                }
            }
        }
    }

    /// <summary>
    /// True when the alert is certainly not stored in the incident as this process last committed it: the copy knows
    /// every alert stored in it, and this is not one of them. False when it may be stored (ask PostgreSQL).
    /// </summary>
    public bool KnownAbsent(int number, string alertId)
    {
        lock (_gate)
        {
            return _byNumber.TryGetValue(number, out var held) && held.AlertIds is { } ids && !ids.Contains(Hash(alertId));
        }
    }

    /// <summary>An id's hash: two ids that share one only make an absent alert be looked for.</summary>
    private static int Hash(string alertId) => StringComparer.Ordinal.GetHashCode(alertId);

    private void Remove(int number)
    {
        if (_byNumber.Remove(number, out var old))
        {
            _bytes -= old.Bytes;
            if (old.GroupKey is { } groupKey && _byGroupKey.TryGetValue(groupKey, out var held) && held == number)
            {
                _byGroupKey.Remove(groupKey);
            }
        }
    }

    /// <summary>
    /// New copies of the open incidents of those groups held, as last committed, without asking whether they are still
    /// stored so; and the keys of the groups none is held for. The caller's commit must check them.
    /// </summary>
    public (List<Incident> Copies, List<string> Others) OpenOfGroupKeys(IEnumerable<string> groupKeys)
    {
        List<byte[]> held = [];
        List<string> others = [];
        lock (_gate)
        {
            foreach (var groupKey in groupKeys)
            {
                if (_byGroupKey.TryGetValue(groupKey, out var number))
                {
                    held.Add(_byNumber[number].Json);
                }
                else
                {
                    others.Add(groupKey);
                }
            }
        }
        return (held.Select(Read).ToList(), others);
    }

    /// <summary>The bytes the copies hold now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Whether a copy of the incident is held, at whatever version.</summary>
    public bool Holds(int number)
    {
        lock (_gate)
        {
            return _byNumber.ContainsKey(number);
        }
    }

    /// <summary>A new copy of the incident as committed at this version, or null when none is held at it.</summary>
    public Incident? CopyOf(int number, int version)
    {
        Held? held;
        lock (_gate)
        {
            if (!_byNumber.TryGetValue(number, out held) || held.Version != version)
            {
                return null;
            }
        }
        return Read(held.Json);
    }

    private static Incident Read(byte[] json)
    {
        var incident = JsonSerializer.Deserialize<Incident>(json, Options)!;
        AsStored(incident);
        return incident;
    }

    /// <summary>What the columns keep and the read's order (see <c>PostgresIncidentStore.PartColumns</c>).</summary>
    private static void AsStored(Incident incident)
    {
        incident.CreatedAt = Stored(incident.CreatedAt);
        incident.AcknowledgedAt = Stored(incident.AcknowledgedAt);
        incident.MitigatedAt = Stored(incident.MitigatedAt);
        incident.ResolvedAt = Stored(incident.ResolvedAt);
        incident.ClosedAt = Stored(incident.ClosedAt);
        incident.LastUpdateAt = Stored(incident.LastUpdateAt);
        incident.LastReminderAt = Stored(incident.LastReminderAt);
        incident.ReminderDueAt = Stored(incident.ReminderDueAt);
        foreach (var session in incident.RunbookSessions)
        {
            session.StartedAt = Stored(session.StartedAt);
            session.CompletedAt = Stored(session.CompletedAt);
        }
        incident.Channels = [.. incident.Channels.DistinctBy(c => (c.Platform, c.Id)).OrderBy(c => c.Platform, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)];
        incident.Roles = incident.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary();
    }

    /// <summary><c>timestamptz</c> keeps microseconds, and Npgsql reads it back in UTC.</summary>
    private static DateTimeOffset Stored(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    private static DateTimeOffset? Stored(DateTimeOffset? time) => time is { } t ? Stored(t) : null;
}
