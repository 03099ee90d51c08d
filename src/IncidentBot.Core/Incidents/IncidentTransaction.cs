using IncidentBot.Chat;
using IncidentBot.Chat.Outbox;
using IncidentBot.Chat.Platforms;
using IncidentBot.Storage;

namespace IncidentBot.Incidents;

/// <summary>
/// The changes of one incident operation, gathered in memory and committed at once by <see cref="IncidentService"/>.
/// Reads see the operation's own changes first, so a batch of alerts can open an incident and attach to it.
/// </summary>
public sealed class IncidentTransaction
{
    private readonly IIncidentStore _store;
    private readonly ChatPlatforms _platforms;
    private readonly List<ChatMessage> _posted = [];
    private readonly HashSet<int> _opened = [];
    private readonly Dictionary<int, Incident> _loaded = [];
    private readonly Dictionary<string, IncidentAlert?> _preloaded = [];
    // Group key → the number of its open incident as the store answered (null: none), so a key is asked for once.
    private readonly Dictionary<string, int?> _openByGroupKey = [];
    // Group key → the numbers of its newest incidents that are no longer open, as the store answered.
    private readonly Dictionary<string, List<int>> _closedByGroupKey = [];
    // Numbers of the incidents read by group key (see PreloadOpenIncidentsAsync and ToCommit).
    private readonly HashSet<int> _readByGroupKey = [];
    private readonly Queue<int> _reservedNumbers = new();
    private readonly Dictionary<(int Incident, string Source, string Kind, string Verb), AlertTimelineLine> _alertLines = [];
    // The header card of an incident, given the alert first seen in it (whose own words it shows), if any.
    private readonly Func<Incident, IncidentAlert?, ChatMessage> _card;
    // What the header card of each incident read from the store said (IncidentMessages.CardState): a commit that
    // changes it posts the card again.
    private readonly Dictionary<int, string> _cardsAsRead = [];
    // The header cards this operation posted (a new incident's first card), to bring up to date before the commit.
    private readonly Dictionary<int, PostedCard> _cardsPosted = [];

    internal IncidentTransaction(IIncidentStore store, ChatPlatforms platforms, Func<Incident, IncidentAlert?, ChatMessage> card, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _store = store;
        _platforms = platforms;
        _card = card;
        Now = now;
        CancellationToken = cancellationToken;
    }

    public DateTimeOffset Now { get; }

    /// <summary>Cancels the operation's reads; once it is cancelled nothing of the operation is stored.</summary>
    public CancellationToken CancellationToken { get; }

    public IncidentChanges Changes { get; } = new();

    public IReadOnlyList<ChatMessage> Posted => _posted;

    /// <summary>Set by <see cref="NothingToDo"/>: the operation's answer is a notice, not a refusal.</summary>
    public bool AnswerIsNotice { get; private set; }

    /// <summary>
    /// The answer for a command that asks for what is already so (a stale button: <c>ack</c> on a resolved
    /// incident). Return it from the change like a refusal; the caller shows it as a notice, not an error.
    /// </summary>
    public string NothingToDo(string notice)
    {
        AnswerIsNotice = true;
        return notice;
    }

    /// <summary>The incident as this operation sees it: each one is read from the store once, then shared.</summary>
    public async ValueTask<Incident?> FindAsync(int number)
    {
        if (Changes.Incidents.TryGetValue(number, out var changed) || _loaded.TryGetValue(number, out changed))
        {
            return changed;
        }
        return await _store.FindAsync(number, CancellationToken) is { } stored ? Remember(stored) : null;
    }

    /// <summary>
    /// The open incident of an alert group as this operation sees it. The store is asked once per key (or not at all
    /// after <see cref="PreloadOpenIncidentsAsync"/>); a stale answer is caught at commit by the incident's version
    /// and the one-open-incident-per-group rule, and the operation runs again.
    /// </summary>
    public async ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey)
    {
        if (Changes.Incidents.Values.FirstOrDefault(i => i.GroupKey == groupKey && i.Status.IsOpen()) is { } changed)
        {
            return changed;
        }
        if (!_openByGroupKey.TryGetValue(groupKey, out var number))
        {
            var stored = await _store.FindOpenByGroupKeyAsync(groupKey, CancellationToken);
            number = stored is null ? null : Remember(stored).Number;
            _openByGroupKey[groupKey] = number;
        }
        if (number is not { } open)
        {
            return null;
        }
        // Changed by this operation but no longer open (resolved a moment ago): the next alert opens a new one.
        var known = Changes.Incidents.TryGetValue(open, out var mine) ? mine : _loaded[open];
        return known.Status.IsOpen() ? known : null;
    }

    /// <summary>
    /// The newest <paramref name="count"/> incidents of an alert group that are no longer open (resolved or closed)
    /// among the latest <paramref name="amongLatest"/> incidents, newest first, as this operation sees them; the store
    /// is asked once per key.
    /// </summary>
    public async ValueTask<IReadOnlyList<Incident>> ClosedByGroupKeyAsync(string groupKey, int count, int amongLatest)
    {
        if (!_closedByGroupKey.TryGetValue(groupKey, out var numbers))
        {
            var query = new IncidentQuery(IncidentStatusFilter.Resolved, count) { GroupKey = groupKey, AmongLatest = amongLatest };
            var stored = await _store.ListAsync(query, CancellationToken);
            numbers = stored.Select(i => Remember(i).Number).ToList();
            _closedByGroupKey[groupKey] = numbers;
        }
        return numbers.Select(n => Changes.Incidents.TryGetValue(n, out var mine) ? mine : _loaded[n]).ToList();
    }

    /// <summary>
    /// Reads the open incidents of these alert groups in one query, for the keys not asked for yet. The store may answer
    /// from this process's last commit without asking (<see cref="IIncidentStore.FindOpenByGroupKeysAsync"/>), so the
    /// ones this operation does not change are checked at commit (<see cref="ToCommit"/>).
    /// </summary>
    public async ValueTask PreloadOpenIncidentsAsync(IReadOnlyCollection<string> groupKeys)
    {
        var missing = groupKeys.Where(key => !_openByGroupKey.ContainsKey(key)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }
        missing.ForEach(key => _openByGroupKey[key] = null);
        foreach (var stored in await _store.FindOpenByGroupKeysAsync(missing, CancellationToken))
        {
            if (stored.GroupKey is { } key && _openByGroupKey.ContainsKey(key))
            {
                var kept = Remember(stored);
                _openByGroupKey[key] = kept.Number;
                _readByGroupKey.Add(kept.Number);
            }
        }
    }

    /// <summary>
    /// Takes incident numbers for the incidents this operation expects to open, in one read; <see cref="OpenAsync"/>
    /// uses them first. Numbers it does not use stay unused (numbers may skip).
    /// </summary>
    public async ValueTask ReserveNumbersAsync(int count)
    {
        if (count > 0)
        {
            foreach (var number in await _store.NextNumbersAsync(count, CancellationToken))
            {
                _reservedNumbers.Enqueue(number);
            }
        }
    }

    /// <summary>
    /// What to commit: <see cref="Changes"/>, with the incidents read by group key that the operation leaves unchanged
    /// listed for the store to check (<see cref="IncidentChanges.Unchanged"/>); the changed ones are checked by their version.
    /// </summary>
    public IncidentChanges ToCommit()
    {
        foreach (var number in _readByGroupKey.Where(n => !Changes.Incidents.ContainsKey(n)))
        {
            // Unchanged, so still the version it was read at.
            Changes.Unchanged[number] = _loaded[number].Version;
        }
        return Changes;
    }

    /// <summary>Keeps the first copy of an incident this operation read (or changed), so all its reads share it.</summary>
    private Incident Remember(Incident stored)
    {
        if (Changes.Incidents.TryGetValue(stored.Number, out var known) || _loaded.TryGetValue(stored.Number, out known))
        {
            return known;
        }
        _cardsAsRead[stored.Number] = IncidentMessages.CardState(stored);
        return _loaded[stored.Number] = stored;
    }

    /// <summary>An alert of an incident, as this operation has it; alerts of incidents it opened are not looked up.</summary>
    public async ValueTask<IncidentAlert?> FindAlertAsync(Incident incident, string id)
    {
        if (Changes.Alerts.TryGetValue(id, out var changed))
        {
            return changed;
        }
        if (_opened.Contains(incident.Number))
        {
            return null;
        }
        return _preloaded.TryGetValue(id, out var preloaded) ? preloaded : await _store.FindAlertAsync(id, CancellationToken);
    }

    /// <summary>Reads these alerts in one query, so a batch does not ask the store once per alert.</summary>
    public async ValueTask PreloadAlertsAsync(IReadOnlyCollection<string> ids)
    {
        var missing = ids.Where(id => !_preloaded.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }
        missing.ForEach(id => _preloaded[id] = null);
        foreach (var alert in await _store.FindAlertsAsync(missing, CancellationToken))
        {
            _preloaded[alert.Id] = alert;
        }
    }

    /// <summary>Gives a new incident its number (from the store) and asks every chat platform for a channel.</summary>
    public async ValueTask<Incident> OpenAsync(Incident incident, string actor, string kind, string text)
    {
        incident.Number = _reservedNumbers.TryDequeue(out var reserved) ? reserved : await _store.NextNumberAsync(CancellationToken);
        _opened.Add(incident.Number);
        Changes.NewIncidents.Add(incident.Number);
        incident.CreatedAt = Now;
        Touch(incident);
        Record(incident, actor, kind, text);
        foreach (var platform in _platforms.Names)
        {
            Changes.Outbox.Add(NewOutboxItem(platform, incident, OutboxItemKind.OpenChannel, null));
        }
        return incident;
    }

    /// <summary>Marks the incident as changed so it is written back.</summary>
    public void Touch(Incident incident) => Changes.Incidents[incident.Number] = incident;

    public void Save(IncidentAlert alert) => Changes.Alerts[alert.Id] = alert;

    /// <summary>Saves an alert that <see cref="FindAlertAsync"/> did not find.</summary>
    public void Add(IncidentAlert alert)
    {
        Save(alert);
        Changes.NewAlerts.Add(alert.Id);
    }

    /// <summary>Keeps the exact runbook text a session starts with.</summary>
    public void Save(Runbooks.Runbook runbook) =>
        Changes.RunbookVersions[runbook.Version] = new RunbookVersionRecord { Version = runbook.Version, RunbookId = runbook.Id, File = runbook.File, Markdown = runbook.Markdown };

    public void Record(Incident incident, string actor, string kind, string text)
    {
        Touch(incident);
        Changes.Timeline.Add(new TimelineEntry { IncidentNumber = incident.Number, At = Now, Actor = actor, Kind = kind, Text = text });
    }

    /// <summary>
    /// Records that an alert joined the incident or changed status. The alerts of one operation share a timeline
    /// entry per incident, source and change ("12 alerts firing: …"), so a storm adds a few lines, not hundreds;
    /// each alert's own times stay on its alert record.
    /// </summary>
    public void RecordAlert(Incident incident, string source, string kind, string verb, string title, string fingerprint)
    {
        Touch(incident);
        var key = (incident.Number, source, kind, verb);
        if (!_alertLines.TryGetValue(key, out var line))
        {
            line = new AlertTimelineLine(new TimelineEntry { IncidentNumber = incident.Number, At = Now, Actor = source, Kind = kind }, verb);
            _alertLines[key] = line;
            Changes.Timeline.Add(line.Entry);
        }
        line.Add(title, fingerprint);
    }

    /// <summary>
    /// Queues the message for every platform's channel of the incident; it is sent after the commit. The incident's
    /// header card is posted once per operation at most: a second one only brings the first up to date.
    /// </summary>
    public void Post(Incident incident, ChatMessage message)
    {
        var isCard = message.UpdateKey is { } key && key == IncidentMessages.CardKey(incident);
        if (isCard && _cardsPosted.TryGetValue(incident.Number, out var earlier))
        {
            earlier.Update(_posted, message);
            return;
        }
        var json = message.ToJson();
        var items = _platforms.Names.Select(platform => NewOutboxItem(platform, incident, OutboxItemKind.Post, json)).ToList();
        Changes.Outbox.AddRange(items);
        if (isCard)
        {
            _cardsPosted[incident.Number] = new PostedCard(_posted.Count, items);
        }
        _posted.Add(message);
    }

    /// <summary>
    /// Puts the incident's header card at this point of the operation's messages. What it shows is built once, by
    /// <see cref="RefreshCardsAsync"/> before the commit, from the incident as this operation leaves it.
    /// </summary>
    public void PostCard(Incident incident)
    {
        Touch(incident);
        Post(incident, new ChatMessage { UpdateKey = IncidentMessages.CardKey(incident), IncidentNumber = incident.Number });
    }

    /// <summary>
    /// Brings each changed incident's header card up to date, once per operation, whatever changed it: a card this
    /// operation posted shows the incident as committed; an incident read from the store whose card's state
    /// (<see cref="IncidentMessages.CardState"/>) changed gets one new version of it, which platforms apply in place
    /// (its update key).
    /// </summary>
    internal async ValueTask RefreshCardsAsync()
    {
        var cards = Changes.Incidents.Values
            .Where(incident => _cardsPosted.ContainsKey(incident.Number)
                || (_cardsAsRead.TryGetValue(incident.Number, out var asRead) && asRead != IncidentMessages.CardState(incident)))
            .ToList();
        if (cards.Count == 0)
        {
            return;
        }
        // The stored first alerts of every incident read from the store, in one read for the whole operation.
        var readFromStore = cards.Where(incident => _cardsAsRead.ContainsKey(incident.Number) && incident.AlertCount > 0).Select(incident => incident.Number).ToList();
        var stored = readFromStore.Count == 0 ? null : await _store.FirstAlertsOfAsync(readFromStore, CancellationToken);
        foreach (var incident in cards)
        {
            Post(incident, _card(incident, FirstAlertOf(incident, stored?.GetValueOrDefault(incident.Number))));
        }
    }

    /// <summary>
    /// The alert first seen in the incident, as this operation leaves it: among the alerts it saves and the store's
    /// first (<paramref name="stored"/>, for an incident read from the store).
    /// </summary>
    private IncidentAlert? FirstAlertOf(Incident incident, IncidentAlert? stored)
    {
        var candidates = Changes.Alerts.Values.Where(a => a.IncidentNumber == incident.Number).ToList();
        if (stored is not null && candidates.TrueForAll(a => a.Id != stored.Id))
        {
            candidates.Add(stored);
        }
        return candidates.OrderBy(a => a.FirstSeenAt).ThenBy(a => a.Id, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Where a header card sits in this operation's messages and outbox, to be replaced by a newer version.</summary>
    private sealed record PostedCard(int Index, List<OutboxItem> Items)
    {
        public void Update(List<ChatMessage> posted, ChatMessage card)
        {
            posted[Index] = card;
            var json = card.ToJson();
            Items.ForEach(item => item.MessageJson = json);
        }
    }

    private OutboxItem NewOutboxItem(string platform, Incident incident, OutboxItemKind kind, string? json) => new()
    {
        Platform = platform,
        IncidentNumber = incident.Number,
        Kind = kind,
        MessageJson = json,
        CreatedAt = Now,
        NextAttemptAt = Now,
    };
}
