using IncidentBot.Incidents;

namespace IncidentBot.Storage.LiteDb;

/// <summary>
/// Remembers, per alert group key, which incident is open for it (or that none is), so correlating a storm does
/// not query the incidents for every alert. <see cref="LiteDbStorage"/> keeps it true: it is the only writer of
/// incidents and tells the cache about every incident it writes; anything it is unsure of it forgets, and a
/// forgotten key is simply queried again.
/// </summary>
internal sealed class OpenIncidentCache
{
    // Keys of resolved one-off alerts accumulate; past this the cache starts again rather than grow without bound.
    private const int MaxKeys = 10_000;

    private readonly Dictionary<string, int?> _numberByKey = [];
    private readonly Lock _lock = new();
    private long _writes;

    /// <summary>Counts writes, so an answer read from the file is not remembered if a write happened meanwhile.</summary>
    public long Writes
    {
        get
        {
            lock (_lock)
            {
                return _writes;
            }
        }
    }

    /// <summary>True when the key is known: <paramref name="number"/> is its open incident, or null for none.</summary>
    public bool TryGet(string groupKey, out int? number)
    {
        lock (_lock)
        {
            return _numberByKey.TryGetValue(groupKey, out number);
        }
    }

    /// <summary>Remembers what a query of the file found, unless something was written since it started.</summary>
    public void Remember(string groupKey, int? number, long writesBeforeQuery)
    {
        lock (_lock)
        {
            if (_writes != writesBeforeQuery)
            {
                return;
            }
            if (_numberByKey.Count >= MaxKeys)
            {
                _numberByKey.Clear();
            }
            _numberByKey[groupKey] = number;
        }
    }

    /// <summary>Called once the incidents are stored.</summary>
    public void Written(IEnumerable<Incident> incidents)
    {
        lock (_lock)
        {
            _writes++;
            foreach (var incident in incidents.Where(i => !string.IsNullOrEmpty(i.GroupKey)))
            {
                if (!_numberByKey.TryGetValue(incident.GroupKey!, out var known))
                {
                    // Unknown key: another, newer open incident may exist for it; leave it to a query.
                    continue;
                }
                if (incident.Status.IsOpen() && (known is null || incident.Number >= known))
                {
                    _numberByKey[incident.GroupKey!] = incident.Number;
                }
                else if (!incident.Status.IsOpen() && known == incident.Number)
                {
                    // An older incident of the key may still be open: ask the file next time.
                    _numberByKey.Remove(incident.GroupKey!);
                }
            }
        }
    }

    /// <summary>After a failed write nobody knows exactly what reached the file.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _writes++;
            _numberByKey.Clear();
        }
    }
}
