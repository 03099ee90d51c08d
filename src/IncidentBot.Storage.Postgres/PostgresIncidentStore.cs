using IncidentBot.Alerts;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Incidents, their alerts, timelines and runbook texts in PostgreSQL. A commit is one transaction sent as one batch
/// (a few round trips however many alerts it holds); reads are single statements, or one batch per incident.
/// </summary>
public sealed class PostgresIncidentStore(NpgsqlDataSource dataSource) : IIncidentStore, IRunbookVersionStore
{
    private const string IncidentColumns =
        "number, version, title, severity, status, is_drill, service, group_key, created_at, acknowledged_at, mitigated_at, resolved_at, " +
        "closed_at, last_update_at, last_reminder_at, alert_count, firing_alert_count, resolution_summary, participants, on_call, reminder_due_at";

    internal const string AlertColumns =
        "id, incident_number, source, fingerprint, status, severity, title, description, labels::text, links::text, starts_at, ends_at, first_seen_at, resolved_at, raw::text, annotations::text";

    /// <summary>
    /// An incident's roles, channels and runbook sessions, gathered as JSON beside its row: one statement reads an
    /// incident whole, from one snapshot, each part through its table's primary key. Roles and channels come in
    /// byte order (<c>COLLATE "C"</c>), the order <see cref="PostgresIncidentSnapshots"/> gives its copies.
    /// </summary>
    private const string PartColumns = """
        (SELECT coalesce(json_object_agg(r.role, r.user_id ORDER BY r.role COLLATE "C"), '{}') FROM incident_roles r WHERE r.incident_number = incidents.number)::text,
        (SELECT coalesce(jsonb_agg(jsonb_build_array(c.platform, c.channel_id, c.name) ORDER BY c.platform COLLATE "C", c.channel_id COLLATE "C"), '[]')
            FROM incident_channels c WHERE c.incident_number = incidents.number)::text,
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'runbookId', s.runbook_id, 'title', s.title, 'version', s.version, 'startedAt', s.started_at, 'startedBy', s.started_by,
                    'currentIndex', s.current_index, 'completedAt', s.completed_at, 'steps', s.steps) ORDER BY s.ordinal), '[]')
            FROM runbook_sessions s WHERE s.incident_number = incidents.number)::text
        """;

    private readonly NpgsqlDataSource _dataSource = dataSource;

    private readonly PostgresIncidentSnapshots _committed = new();

    /// <remarks>
    /// An incident this process holds a copy of is asked only for its stored version, and is the copy when that is the
    /// copy's (<see cref="PostgresIncidentSnapshots"/>); any other is read whole at once.
    /// </remarks>
    public async ValueTask<Incident?> FindAsync(int number, CancellationToken cancellationToken)
    {
        if (_committed.Holds(number))
        {
            await using var command = _dataSource.CreateCommand(VersionOfNumber);
            command.Parameters.AddWithValue("key", number);
            if (await command.ExecuteScalarAsync(cancellationToken) is not int version)
            {
                return null;
            }
            if (_committed.CopyOf(number, version) is { } copy)
            {
                return copy;
            }
        }
        return (await ReadIncidentsAsync("number = @key", cancellationToken, ("key", number))).SingleOrDefault();
    }

    /// <summary>The stored version of one incident, shared with the query-plan test.</summary>
    public const string VersionOfNumber = "SELECT version FROM incidents WHERE number = @key";

    public async ValueTask<Incident?> FindOpenByGroupKeyAsync(string groupKey, CancellationToken cancellationToken) =>
        // A store holding two open incidents of one group (written before the unique index existed) answers with the newest.
        (await ReadIncidentsAsync("group_key = @key AND is_open ORDER BY number DESC LIMIT 1", cancellationToken, ("key", groupKey))).SingleOrDefault();

    /// <summary>
    /// One statement for all the keys: per key, a probe of the partial unique index on open incidents' group keys for
    /// its newest open incident (the one <see cref="FindOpenByGroupKeyAsync"/> answers), then the rows by number. Written
    /// so because a statement is prepared, and PostgreSQL may keep one generic plan for it, made while the table is
    /// small: <c>group_key = ANY (@keys)</c> and a join with the keys both got a scan of every incident (seen in a storm
    /// with <c>auto_explain</c>), where a probe per key can only be cheapest through the index.
    /// </summary>
    /// <remarks>
    /// A group whose open incident this process committed last is answered with its copy of that commit
    /// (<see cref="PostgresIncidentSnapshots"/>) without asking: the operation's commit checks it by its version
    /// (<see cref="IncidentChanges.Unchanged"/> for one it does not change), and a copy found stale there is let go.
    /// Only the other groups are read, whole. In a storm, where the one writer commits the same incidents batch after
    /// batch, that spares a round trip per batch and PostgreSQL reading every incident again.
    /// </remarks>
    public async ValueTask<IReadOnlyList<Incident>> FindOpenByGroupKeysAsync(IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken)
    {
        var (found, others) = _committed.OpenOfGroupKeys(groupKeys.Distinct());
        if (others.Count > 0)
        {
            found.AddRange(await ReadIncidentsAsync(OpenOfGroupKeys, cancellationToken, ("keys", others.ToArray())));
        }
        return found;
    }

    /// <summary>
    /// Of some incidents and the versions an operation read them at, the numbers of those no longer stored at that
    /// version (see <see cref="IncidentChanges.Unchanged"/>); shared with the query-plan test.
    /// </summary>
    public const string NoLongerAsRead = """
        SELECT read.number::bigint FROM unnest(@number::integer[], @version::integer[]) AS read (number, version)
        WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.number = read.number AND i.version = read.version)
        ORDER BY read.number
        """;

    /// <summary>The condition of <see cref="FindOpenByGroupKeysAsync"/>, shared with the query-plan test.</summary>
    public const string OpenOfGroupKeys = """
        number = ANY (ARRAY(
            SELECT o.number FROM unnest(@keys::text[]) AS k (key)
            CROSS JOIN LATERAL (SELECT number FROM incidents WHERE group_key = k.key AND is_open ORDER BY number DESC LIMIT 1) o))
        """;

    public async ValueTask<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        var status = query.Status switch
        {
            IncidentStatusFilter.Open => "is_open",
            IncidentStatusFilter.Resolved => "NOT is_open",
            _ => "true",
        };
        // Each filter as IncidentQuery.Matches defines it: translate() lowers A-Z only, as the LiteDB store compares,
        // and strpos() takes the search text literally (LIKE would read % and _ as wildcards).
        var filters = new System.Text.StringBuilder(status);
        filters.Append(query.Before is null ? "" : " AND number < @before");
        filters.Append(query.Severity is null ? "" : " AND severity = @severity");
        filters.Append(query.Service is null ? "" : $" AND {AsciiLower("service")} = @service");
        filters.Append(query.IsDrill is null ? "" : " AND is_drill = @drill");
        filters.Append(query.TitleContains is null ? "" : $" AND strpos({AsciiLower("title")}, @title) > 0");
        filters.Append(query.GroupKey is null ? "" : " AND group_key = @groupKey");
        filters.Append(query.ReminderDueBy is null ? "" : " AND reminder_due_at <= @reminderDueBy");
        filters.Append(query.OnCallWaiting switch { true => $" AND {OnCallWaiting}", false => $" AND NOT ({OnCallWaiting})", null => "" });
        // The highest number through the primary key, then a bounded range of it.
        filters.Append(query.AmongLatest is null ? "" : " AND number > (SELECT coalesce(max(number), 0) FROM incidents) - @latest");
        return await ReadIncidentsAsync($"{filters} ORDER BY number DESC LIMIT @limit", cancellationToken, ("latest", query.AmongLatest ?? 0),
            ("limit", Math.Max(0, query.Limit)), ("before", query.Before ?? 0), ("severity", (short)(query.Severity ?? Severity.Sev1)),
            ("service", IncidentQuery.AsciiLower(query.Service ?? "")), ("drill", query.IsDrill ?? false),
            ("title", IncidentQuery.AsciiLower(query.TitleContains ?? "")), ("groupKey", query.GroupKey ?? ""),
            ("reminderDueBy", (query.ReminderDueBy ?? DateTimeOffset.UnixEpoch).UtcDateTime));
    }

    /// <summary>
    /// <see cref="IncidentQuery.IsOnCallWaiting"/> in SQL, never null; word for word the predicate of the partial index
    /// <c>incidents_on_call_waiting</c> (migration 0008), so the planner can use it.
    /// </summary>
    internal const string OnCallWaiting =
        "on_call IS NOT NULL AND (on_call->>'handle') IS NOT NULL AND (on_call->>'acceptedAt') IS NULL AND NOT coalesce((on_call->>'exhausted')::boolean, false)";

    private static string AsciiLower(string column) => $"translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";

    public async ValueTask<IReadOnlyList<IncidentAlert>> AlertsOfAsync(int number, CancellationToken cancellationToken) =>
        await ReadAlertsAsync("incident_number = @key ORDER BY first_seen_at, id", new NpgsqlParameter("key", number), cancellationToken);

    /// <remarks>
    /// The alerts of one webhook share their first-seen time, so the first alert is chosen among ties. It is chosen in
    /// a subquery, and only the row kept has its jsonb turned into text: ordered whole, every tied alert's was, up to a
    /// hundred per read in a storm. The subquery is the statement as it was, so it is planned as it was: through
    /// <c>alerts_by_incident</c> once the table holds a few hundred alerts (a generic plan made then is kept as the table
    /// grows; see <c>PostgresQueryPlanTests</c>).
    /// </remarks>
    public async ValueTask<IncidentAlert?> FirstAlertOfAsync(int number, CancellationToken cancellationToken) =>
        (await ReadAlertsFromAsync(FirstAlertOf, new NpgsqlParameter("key", number), cancellationToken)).SingleOrDefault();

    /// <summary>The rows <see cref="FirstAlertOfAsync"/> reads, shared with the query-plan test.</summary>
    internal const string FirstAlertOf = "(SELECT * FROM alerts WHERE incident_number = @key ORDER BY first_seen_at, id LIMIT 1) alerts";

    /// <summary>One statement: each incident's first alert through <c>alerts_by_incident</c>, one row per incident.</summary>
    public async ValueTask<IReadOnlyDictionary<int, IncidentAlert>> FirstAlertsOfAsync(IReadOnlyCollection<int> numbers, CancellationToken cancellationToken) =>
        numbers.Count == 0
            ? new Dictionary<int, IncidentAlert>()
            : (await ReadAlertsAsync(FirstAlertsOf, new NpgsqlParameter("numbers", numbers.Distinct().ToArray()), cancellationToken)).ToDictionary(a => a.IncidentNumber);

    /// <summary>The condition of <see cref="FirstAlertsOfAsync"/>, shared with the query-plan test.</summary>
    public const string FirstAlertsOf =
        "id IN (SELECT (SELECT f.id FROM alerts f WHERE f.incident_number = n ORDER BY f.first_seen_at, f.id LIMIT 1) FROM unnest(@numbers::integer[]) AS n)";

    public async ValueTask<IncidentAlert?> FindAlertAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAlertsAsync("id = @key", new NpgsqlParameter("key", id), cancellationToken)).SingleOrDefault();

    /// <remarks>
    /// An alert of an incident this process opened and has committed every version of since is not looked for when the
    /// copy knows it is not stored (<see cref="PostgresIncidentSnapshots.KnownAbsent"/>): in a storm of new alerts that
    /// spares each batch its read. The operation attaches such an alert, so its commit checks the incident's version.
    /// </remarks>
    public async ValueTask<IReadOnlyList<IncidentAlert>> FindAlertsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var asked = ids.Where(id => IncidentAlert.IncidentNumberOf(id) is not { } number || !_committed.KnownAbsent(number, id)).ToArray();
        return asked.Length == 0 ? [] : await ReadAlertsAsync("id = ANY (@key)", new NpgsqlParameter("key", asked), cancellationToken);
    }

    public async ValueTask<IReadOnlyList<TimelineEntry>> TimelineOfAsync(int number, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT id, incident_number, at, actor, kind, text FROM timeline WHERE incident_number = @number ORDER BY id");
        command.Parameters.AddWithValue("number", number);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<TimelineEntry> entries = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new TimelineEntry
            {
                Id = reader.GetInt64(0),
                IncidentNumber = reader.GetInt32(1),
                At = reader.GetFieldValue<DateTimeOffset>(2),
                Actor = reader.GetString(3),
                Kind = reader.GetString(4),
                Text = reader.GetString(5),
            });
        }
        return entries;
    }

    /// <summary>
    /// The next value of <c>incident_number_seq</c>: a sequence never hands out a value twice, whatever rolls back. A
    /// number an incident already has (one stored with its number given, as <c>storage copy</c> does before it moves
    /// the sequence on) is skipped.
    /// </summary>
    public async ValueTask<int> NextNumberAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT n, EXISTS (SELECT 1 FROM incidents WHERE number = n) FROM (SELECT nextval('incident_number_seq')::integer AS n) s");
        while (true)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(1))
            {
                return reader.GetInt32(0);
            }
        }
    }

    /// <summary>Several values of the sequence in one statement, skipping numbers taken as <see cref="NextNumberAsync"/> does.</summary>
    public async ValueTask<IReadOnlyList<int>> NextNumbersAsync(int count, CancellationToken cancellationToken)
    {
        List<int> numbers = [];
        await using var command = _dataSource.CreateCommand(
            "SELECT n FROM (SELECT nextval('incident_number_seq')::integer AS n FROM generate_series(1, @count)) s " +
            "WHERE NOT EXISTS (SELECT 1 FROM incidents WHERE number = n) ORDER BY n");
        var wanted = command.Parameters.AddWithValue("count", 0);
        while (numbers.Count < count)
        {
            wanted.Value = count - numbers.Count;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                numbers.Add(reader.GetInt32(0));
            }
        }
        return numbers;
    }

    public async ValueTask<RunbookVersionRecord?> FindRunbookVersionAsync(string version, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT version, runbook_id, file, markdown FROM runbook_versions WHERE version = @version");
        command.Parameters.AddWithValue("version", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RunbookVersionRecord { Version = reader.GetString(0), RunbookId = reader.GetString(1), File = reader.GetString(2), Markdown = reader.GetString(3) }
            : null;
    }

    /// <summary>
    /// One transaction, sent as one batch. Each incident is written with
    /// <c>INSERT … ON CONFLICT (number) DO UPDATE … WHERE incidents.version = the version read</c>: a row already
    /// moved on by another writer (or, for an incident the operation opened, any row with its number) is left alone
    /// and the statement reports no row, and a second open incident of one alert group breaks the partial unique
    /// index; either way the transaction is rolled back and <see cref="IncidentConflictException"/> thrown. Only after
    /// the commit succeeds do the caller's incidents get their new version (and its timeline entries, outbox items and
    /// drill runs their ids).
    /// </summary>
    public async ValueTask CommitAsync(IncidentChanges changes, CancellationToken cancellationToken)
    {
        if (changes.IsEmpty && changes.Unchanged.Count == 0)
        {
            return;
        }
        var commit = new CommitBatch(changes);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Nothing to write, only what the operation decided on to check: one statement is a transaction of its own.
        await using var transaction = changes.IsEmpty ? null : await connection.BeginTransactionAsync(cancellationToken);
        commit.Batch.Connection = connection;
        commit.Batch.Transaction = transaction;
        try
        {
            await commit.RunAsync(cancellationToken);
        }
        catch (PostgresException ex) when (commit.ConflictOf(ex) is { } number)
        {
            ForgetCopies(changes);
            throw new IncidentConflictException(number, ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "incidents_one_open_per_group_key"
                ? "would be a second open incident of its alert group" : null);
        }
        if (commit.StaleIncident() is { } stale)
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
            ForgetCopies(changes);
            throw new IncidentConflictException(stale);
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        commit.Assigned();
        _committed.Committed(changes);
    }

    /// <summary>A commit met another writer's change: the copies of what it read and wrote are read whole next time.</summary>
    private void ForgetCopies(IncidentChanges changes) => _committed.Forget(changes.Incidents.Keys.Concat(changes.Unchanged.Keys));

    /// <summary>The statements of one commit, in an order that never deadlocks two writers: incidents by number first.</summary>
    private sealed class CommitBatch
    {
        // The array types of the columns the statements below unnest.
        private const NpgsqlDbType Texts = NpgsqlDbType.Array | NpgsqlDbType.Text;
        private const NpgsqlDbType Integers = NpgsqlDbType.Array | NpgsqlDbType.Integer;
        private const NpgsqlDbType Times = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz;
        private const NpgsqlDbType Jsons = NpgsqlDbType.Array | NpgsqlDbType.Jsonb;

        private readonly IncidentChanges _changes;
        private readonly List<Incident> _incidents;
        private readonly List<Action<List<long>>> _returned = [];
        private readonly List<List<long>> _ids = [];

        /// <summary>Which of <see cref="_ids"/> holds the numbers the version-checked upsert wrote (-1: none ran).</summary>
        private int _writtenResult = -1;

        /// <summary>Which of <see cref="_ids"/> holds the unchanged incidents no longer as read (-1: none checked).</summary>
        private int _movedOnResult = -1;

        public CommitBatch(IncidentChanges changes)
        {
            _changes = changes;
            var incidents = changes.Incidents.Values.OrderBy(i => i.Number).ToList();
            _incidents = incidents;
            AddUnchanged(changes.Unchanged.Where(u => !changes.Incidents.ContainsKey(u.Key)).OrderBy(u => u.Key).ToList());
            AddIncidents(incidents.Where(i => !changes.NewIncidents.Contains(i.Number)).ToList(), opened: false);
            AddIncidents(incidents.Where(i => changes.NewIncidents.Contains(i.Number)).ToList(), opened: true);
            if (incidents.Count > 0)
            {
                AddParts(incidents);
            }
            AddRunbookVersions(changes.RunbookVersions.Values);
            AddAlerts(changes.Alerts.Values.Where(a => changes.NewAlerts.Contains(a.Id)).ToList(), upsert: false);
            AddAlerts(changes.Alerts.Values.Where(a => !changes.NewAlerts.Contains(a.Id)).ToList(), upsert: true);
            AddTimeline(changes.Timeline);
            AddOutbox(changes.Outbox);
            changes.DrillRuns.ForEach(AddDrillRun);
            if (changes.ConsumedInboxEntries.Count > 0)
            {
                Add("DELETE FROM inbox WHERE id = ANY (@ids)", ("ids", changes.ConsumedInboxEntries.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
            }
        }

        public NpgsqlBatch Batch { get; } = new();

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await using var reader = await Batch.ExecuteReaderAsync(cancellationToken);
            // Only the statements with RETURNING produce rows, one result set each, in batch order.
            do
            {
                if (reader.FieldCount == 0)
                {
                    continue;
                }
                List<long> ids = [];
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                }
                _ids.Add(ids);
            }
            while (await reader.NextResultAsync(cancellationToken));
            if (_ids.Count != _returned.Count)
            {
                throw new InvalidOperationException($"the commit returned {_ids.Count} id lists for {_returned.Count} inserts");
            }
        }

        /// <summary>The number of an incident another writer changed first, if any.</summary>
        public int? StaleIncident()
        {
            if (_movedOnResult >= 0 && _ids[_movedOnResult] is [var movedOn, ..])
            {
                return (int)movedOn;
            }
            if (_writtenResult < 0)
            {
                return null;
            }
            var written = _ids[_writtenResult].ToHashSet();
            return _incidents.FirstOrDefault(i => !_changes.NewIncidents.Contains(i.Number) && !written.Contains(i.Number))?.Number;
        }

        /// <summary>
        /// The incident a failed statement conflicts over: a duplicate number, a second open incident of a group, an alert
        /// another writer inserted first, a deadlock. The incidents are written together, so it is the first of those
        /// opened (a duplicate number or group) or the first written; the operation runs again whichever it was.
        /// </summary>
        public int? ConflictOf(PostgresException ex)
        {
            var opened = _incidents.FirstOrDefault(i => _changes.NewIncidents.Contains(i.Number));
            var number = (ex.ConstraintName is "incidents_pkey" or "incidents_one_open_per_group_key" ? opened : null)?.Number ?? _incidents.FirstOrDefault()?.Number;
            return ex.SqlState switch
            {
                PostgresErrorCodes.UniqueViolation when ex.ConstraintName is "incidents_pkey" or "incidents_one_open_per_group_key" => number,
                // An alert the operation found absent was stored by another writer meanwhile: running again finds it.
                PostgresErrorCodes.UniqueViolation when ex.ConstraintName is "alerts_pkey" && number is not null => number,
                PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure when number is not null => number,
                _ => null,
            };
        }

        /// <summary>After the commit: versions up by one, ids the database assigned handed to the caller's objects.</summary>
        public void Assigned()
        {
            foreach (var incident in _changes.Incidents.Values)
            {
                incident.Version++;
            }
            for (var i = 0; i < _returned.Count; i++)
            {
                _returned[i](_ids[i]);
            }
        }

        /// <summary>
        /// The incidents the operation decided on without changing (<see cref="IncidentChanges.Unchanged"/>): the
        /// statement returns those no longer stored at the version read (changed, or gone), and any is a conflict.
        /// </summary>
        private void AddUnchanged(List<KeyValuePair<int, int>> unchanged)
        {
            if (unchanged.Count == 0)
            {
                return;
            }
            Add(NoLongerAsRead,
                ("number", unchanged.Select(u => u.Key).ToArray(), Integers),
                ("version", unchanged.Select(u => u.Value).ToArray(), Integers));
            _movedOnResult = _returned.Count;
            _returned.Add(_ => { });
        }

        /// <summary>
        /// All the incidents of one kind in one statement, in number order (so two writers lock rows in the same order).
        /// Opened ones must not exist yet: a plain INSERT fails on the primary key if one does. The others are written
        /// only where the stored version is the one read; the statement returns the numbers it wrote, and a number
        /// missing from them is an incident another writer changed first (<see cref="StaleIncident"/>).
        /// </summary>
        private void AddIncidents(List<Incident> incidents, bool opened)
        {
            if (incidents.Count == 0)
            {
                return;
            }
            var sql = $"""
                INSERT INTO incidents ({IncidentColumns})
                SELECT number, version + 1, title, severity, status, is_drill, service, group_key, created_at, acknowledged_at, mitigated_at,
                       resolved_at, closed_at, last_update_at, last_reminder_at, alert_count, firing_alert_count, resolution_summary,
                       ARRAY(SELECT jsonb_array_elements_text(participants)), on_call, reminder_due_at
                FROM unnest(@number, @version, @title, @severity, @status, @is_drill, @service, @group_key, @created_at, @acknowledged_at,
                            @mitigated_at, @resolved_at, @closed_at, @last_update_at, @last_reminder_at, @alert_count, @firing_alert_count,
                            @resolution_summary, @participants, @on_call, @reminder_due_at)
                    AS given ({IncidentColumns})
                """;
            if (!opened)
            {
                sql += """

                    ON CONFLICT (number) DO UPDATE SET
                        version = EXCLUDED.version, title = EXCLUDED.title, severity = EXCLUDED.severity, status = EXCLUDED.status,
                        is_drill = EXCLUDED.is_drill, service = EXCLUDED.service, group_key = EXCLUDED.group_key, created_at = EXCLUDED.created_at,
                        acknowledged_at = EXCLUDED.acknowledged_at, mitigated_at = EXCLUDED.mitigated_at, resolved_at = EXCLUDED.resolved_at,
                        closed_at = EXCLUDED.closed_at, last_update_at = EXCLUDED.last_update_at, last_reminder_at = EXCLUDED.last_reminder_at,
                        alert_count = EXCLUDED.alert_count, firing_alert_count = EXCLUDED.firing_alert_count,
                        resolution_summary = EXCLUDED.resolution_summary, participants = EXCLUDED.participants, on_call = EXCLUDED.on_call,
                        reminder_due_at = EXCLUDED.reminder_due_at
                    WHERE incidents.version = EXCLUDED.version - 1
                    RETURNING number::bigint
                    """;
            }
            Add(sql,
                ("number", incidents.Select(i => i.Number).ToArray(), Integers),
                ("version", incidents.Select(i => i.Version).ToArray(), Integers),
                ("title", incidents.Select(i => i.Title).ToArray(), Texts),
                ("severity", incidents.Select(i => (short)i.Severity).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Smallint),
                ("status", incidents.Select(i => PostgresValues.Text(i.Status)).ToArray(), Texts),
                ("is_drill", incidents.Select(i => i.IsDrill).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Boolean),
                ("service", incidents.Select(i => i.Service).ToArray(), Texts),
                ("group_key", incidents.Select(i => i.GroupKey).ToArray(), Texts),
                ("created_at", incidents.Select(i => i.CreatedAt.UtcDateTime).ToArray(), Times),
                ("acknowledged_at", incidents.Select(i => i.AcknowledgedAt?.UtcDateTime).ToArray(), Times),
                ("mitigated_at", incidents.Select(i => i.MitigatedAt?.UtcDateTime).ToArray(), Times),
                ("resolved_at", incidents.Select(i => i.ResolvedAt?.UtcDateTime).ToArray(), Times),
                ("closed_at", incidents.Select(i => i.ClosedAt?.UtcDateTime).ToArray(), Times),
                ("last_update_at", incidents.Select(i => i.LastUpdateAt?.UtcDateTime).ToArray(), Times),
                ("last_reminder_at", incidents.Select(i => i.LastReminderAt?.UtcDateTime).ToArray(), Times),
                ("alert_count", incidents.Select(i => i.AlertCount).ToArray(), Integers),
                ("firing_alert_count", incidents.Select(i => i.FiringAlertCount).ToArray(), Integers),
                ("resolution_summary", incidents.Select(i => i.ResolutionSummary).ToArray(), Texts),
                // An array of arrays cannot be unnested row by row: each incident's participants travel as a JSON array.
                ("participants", incidents.Select(i => PostgresJson.Write(i.Participants)).ToArray(), Jsons),
                ("on_call", incidents.Select(i => i.OnCall is null ? null : PostgresJson.Write(i.OnCall)).ToArray(), Jsons),
                ("reminder_due_at", incidents.Select(i => i.ReminderDueAt?.UtcDateTime).ToArray(), Times));
            if (!opened)
            {
                _writtenResult = _returned.Count;
                _returned.Add(_ => { });
            }
        }

        /// <summary>Roles, channels and runbook sessions are replaced whole: the incident object is what they are.</summary>
        private void AddParts(List<Incident> incidents)
        {
            var numbers = incidents.Select(i => i.Number).ToArray();
            foreach (var table in new[] { "incident_roles", "incident_channels", "runbook_sessions" })
            {
                Add($"DELETE FROM {table} WHERE incident_number = ANY (@numbers)", ("numbers", numbers, Integers));
            }
            var roles = incidents.SelectMany(i => i.Roles.Select(r => (i.Number, Role: r.Key, User: r.Value))).ToList();
            if (roles.Count > 0)
            {
                Add("INSERT INTO incident_roles (incident_number, role, user_id) SELECT * FROM unnest(@n, @role, @user)",
                    ("n", roles.Select(r => r.Number).ToArray(), Integers), ("role", roles.Select(r => r.Role).ToArray(), Texts), ("user", roles.Select(r => r.User).ToArray(), Texts));
            }
            // A channel bound twice (the same platform and id) is one row.
            var channels = incidents.SelectMany(i => i.Channels.DistinctBy(c => (c.Platform, c.Id)).Select(c => (i.Number, Channel: c))).ToList();
            if (channels.Count > 0)
            {
                Add("INSERT INTO incident_channels (incident_number, platform, channel_id, name) SELECT * FROM unnest(@n, @platform, @id, @name)",
                    ("n", channels.Select(c => c.Number).ToArray(), Integers),
                    ("platform", channels.Select(c => c.Channel.Platform).ToArray(), Texts),
                    ("id", channels.Select(c => c.Channel.Id).ToArray(), Texts),
                    ("name", channels.Select(c => c.Channel.Name).ToArray(), Texts));
            }
            var sessions = incidents.SelectMany(i => i.RunbookSessions.Select((s, ordinal) => (i.Number, Ordinal: ordinal, Session: s))).ToList();
            if (sessions.Count > 0)
            {
                Add("""
                    INSERT INTO runbook_sessions (incident_number, ordinal, runbook_id, title, version, started_at, started_by, current_index, completed_at, steps)
                    SELECT * FROM unnest(@n, @ordinal, @runbook, @title, @version, @started_at, @started_by, @current, @completed_at, @steps)
                    """,
                    ("n", sessions.Select(s => s.Number).ToArray(), Integers),
                    ("ordinal", sessions.Select(s => s.Ordinal).ToArray(), Integers),
                    ("runbook", sessions.Select(s => s.Session.RunbookId).ToArray(), Texts),
                    ("title", sessions.Select(s => s.Session.Title).ToArray(), Texts),
                    ("version", sessions.Select(s => s.Session.Version).ToArray(), Texts),
                    ("started_at", sessions.Select(s => s.Session.StartedAt.UtcDateTime).ToArray(), Times),
                    ("started_by", sessions.Select(s => s.Session.StartedBy).ToArray(), Texts),
                    ("current", sessions.Select(s => s.Session.CurrentIndex).ToArray(), Integers),
                    ("completed_at", sessions.Select(s => s.Session.CompletedAt?.UtcDateTime).ToArray(), Times),
                    ("steps", sessions.Select(s => PostgresJson.Write(s.Session.Steps)).ToArray(), Jsons));
            }
        }

        private void AddRunbookVersions(IEnumerable<RunbookVersionRecord> records)
        {
            var list = records.ToList();
            if (list.Count == 0)
            {
                return;
            }
            // A version is the hash of its text: one already stored is the same text.
            Add("INSERT INTO runbook_versions (version, runbook_id, file, markdown) SELECT * FROM unnest(@version, @runbook, @file, @markdown) ON CONFLICT (version) DO NOTHING",
                ("version", list.Select(r => r.Version).ToArray(), Texts),
                ("runbook", list.Select(r => r.RunbookId).ToArray(), Texts),
                ("file", list.Select(r => r.File).ToArray(), Texts),
                ("markdown", list.Select(r => r.Markdown).ToArray(), Texts));
        }

        private void AddAlerts(List<IncidentAlert> alerts, bool upsert)
        {
            if (alerts.Count == 0)
            {
                return;
            }
            var sql = """
                INSERT INTO alerts (id, incident_number, source, fingerprint, status, severity, title, description, labels, links, starts_at, ends_at, first_seen_at, resolved_at, raw, annotations)
                SELECT * FROM unnest(@id, @n, @source, @fingerprint, @status, @severity, @title, @description, @labels, @links, @starts_at, @ends_at, @first_seen_at, @resolved_at, @raw, @annotations)
                """;
            if (upsert)
            {
                sql += """

                    ON CONFLICT (id) DO UPDATE SET
                        status = EXCLUDED.status, severity = EXCLUDED.severity, title = EXCLUDED.title, description = EXCLUDED.description,
                        labels = EXCLUDED.labels, links = EXCLUDED.links, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
                        first_seen_at = EXCLUDED.first_seen_at, resolved_at = EXCLUDED.resolved_at, raw = EXCLUDED.raw, annotations = EXCLUDED.annotations
                    """;
            }
            Add(sql,
                ("id", alerts.Select(a => a.Id).ToArray(), Texts),
                ("n", alerts.Select(a => a.IncidentNumber).ToArray(), Integers),
                ("source", alerts.Select(a => a.Source).ToArray(), Texts),
                ("fingerprint", alerts.Select(a => a.Fingerprint).ToArray(), Texts),
                ("status", alerts.Select(a => PostgresValues.Text(a.Status)).ToArray(), Texts),
                ("severity", alerts.Select(a => a.Severity).ToArray(), Texts),
                ("title", alerts.Select(a => a.Title).ToArray(), Texts),
                ("description", alerts.Select(a => a.Description).ToArray(), Texts),
                ("labels", alerts.Select(a => PostgresJson.Write(a.Labels)).ToArray(), Jsons),
                ("links", alerts.Select(a => PostgresJson.Write(a.Links)).ToArray(), Jsons),
                ("starts_at", alerts.Select(a => a.StartsAt?.UtcDateTime).ToArray(), Times),
                ("ends_at", alerts.Select(a => a.EndsAt?.UtcDateTime).ToArray(), Times),
                ("first_seen_at", alerts.Select(a => a.FirstSeenAt.UtcDateTime).ToArray(), Times),
                ("resolved_at", alerts.Select(a => a.ResolvedAt?.UtcDateTime).ToArray(), Times),
                ("raw", alerts.Select(a => PostgresRawJson.ToJsonb(a.Raw)).ToArray(), Jsons),
                ("annotations", alerts.Select(a => PostgresJson.Write(a.Annotations)).ToArray(), Jsons));
        }

        private void AddTimeline(List<TimelineEntry> entries)
        {
            if (entries.Count == 0)
            {
                return;
            }
            // Identity values are drawn in the order the rows are inserted, so the ids, sorted, match the entries in order.
            Add("""
                INSERT INTO timeline (incident_number, at, actor, kind, text)
                SELECT n, at, actor, kind, text FROM unnest(@n, @at, @actor, @kind, @text) WITH ORDINALITY AS t (n, at, actor, kind, text, position)
                ORDER BY position
                RETURNING id
                """,
                ("n", entries.Select(e => e.IncidentNumber).ToArray(), Integers),
                ("at", entries.Select(e => e.At.UtcDateTime).ToArray(), Times),
                ("actor", entries.Select(e => e.Actor).ToArray(), Texts),
                ("kind", entries.Select(e => e.Kind).ToArray(), Texts),
                ("text", entries.Select(e => e.Text).ToArray(), Texts));
            _returned.Add(ids => AssignInOrder(ids, entries, (entry, id) => entry.Id = id));
        }

        private void AddOutbox(List<Chat.Outbox.OutboxItem> items)
        {
            if (items.Count == 0)
            {
                return;
            }
            Add("""
                INSERT INTO outbox (platform, incident_number, kind, message, created_at, next_attempt_at, attempts, last_error, state, completed_at)
                SELECT platform, n, kind, message, created_at, next_attempt_at, attempts, last_error, state, completed_at
                FROM unnest(@platform, @n, @kind, @message, @created_at, @next_attempt_at, @attempts, @last_error, @state, @completed_at)
                    WITH ORDINALITY AS t (platform, n, kind, message, created_at, next_attempt_at, attempts, last_error, state, completed_at, position)
                ORDER BY position
                RETURNING id
                """,
                ("platform", items.Select(i => i.Platform).ToArray(), Texts),
                ("n", items.Select(i => i.IncidentNumber).ToArray(), Integers),
                ("kind", items.Select(i => PostgresValues.Text(i.Kind)).ToArray(), Texts),
                ("message", items.Select(i => i.MessageJson).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Json),
                ("created_at", items.Select(i => i.CreatedAt.UtcDateTime).ToArray(), Times),
                ("next_attempt_at", items.Select(i => i.NextAttemptAt.UtcDateTime).ToArray(), Times),
                ("attempts", items.Select(i => i.Attempts).ToArray(), Integers),
                ("last_error", items.Select(i => i.LastError).ToArray(), Texts),
                ("state", items.Select(i => PostgresValues.Text(i.State)).ToArray(), Texts),
                ("completed_at", items.Select(i => i.CompletedAt?.UtcDateTime).ToArray(), Times));
            _returned.Add(ids => AssignInOrder(ids, items, (item, id) => item.Id = id));
        }

        /// <summary>
        /// A run not stored yet gets its id from the table (one per drill incident: a second report of the same
        /// incident updates the first); a stored run is updated in place.
        /// </summary>
        private void AddDrillRun(DrillRun run)
        {
            (string, object?, NpgsqlDbType)[] values =
            [
                ("schedule_id", run.ScheduleId, NpgsqlDbType.Text),
                ("runbook_id", run.RunbookId, NpgsqlDbType.Text),
                ("incident_number", run.IncidentNumber, NpgsqlDbType.Integer),
                ("scheduled_for", run.ScheduledFor.UtcDateTime, NpgsqlDbType.TimestampTz),
                ("started_at", run.StartedAt?.UtcDateTime, NpgsqlDbType.TimestampTz),
                ("missed", run.Missed, NpgsqlDbType.Boolean),
                ("report", run.Report is null ? null : PostgresJson.Write(run.Report), NpgsqlDbType.Jsonb),
            ];
            const string Update = """
                schedule_id = EXCLUDED.schedule_id, runbook_id = EXCLUDED.runbook_id, incident_number = EXCLUDED.incident_number,
                scheduled_for = EXCLUDED.scheduled_for, started_at = EXCLUDED.started_at, missed = EXCLUDED.missed, report = EXCLUDED.report
                """;
            if (run.Id == 0)
            {
                var conflict = run.IncidentNumber is null ? "" : $" ON CONFLICT (incident_number) WHERE incident_number IS NOT NULL DO UPDATE SET {Update}";
                Add($"""
                    INSERT INTO drill_runs (schedule_id, runbook_id, incident_number, scheduled_for, started_at, missed, report)
                    VALUES (@schedule_id, @runbook_id, @incident_number, @scheduled_for, @started_at, @missed, @report){conflict}
                    RETURNING id
                    """, values);
                _returned.Add(ids => run.Id = ids.Single());
                return;
            }
            Add($"""
                INSERT INTO drill_runs (id, schedule_id, runbook_id, incident_number, scheduled_for, started_at, missed, report) OVERRIDING SYSTEM VALUE
                VALUES (@id, @schedule_id, @runbook_id, @incident_number, @scheduled_for, @started_at, @missed, @report)
                ON CONFLICT (id) DO UPDATE SET {Update}
                """, [("id", run.Id, NpgsqlDbType.Bigint), .. values]);
        }

        private static void AssignInOrder<T>(List<long> ids, List<T> rows, Action<T, long> assign)
        {
            ids.Sort();
            for (var i = 0; i < rows.Count; i++)
            {
                assign(rows[i], ids[i]);
            }
        }

        private void Add(string sql, params (string Name, object? Value, NpgsqlDbType Type)[] parameters) => Batch.BatchCommands.Add(Command(sql, parameters));

        private static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value, NpgsqlDbType Type)[] parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var (name, value, type) in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
            }
            return command;
        }
    }

    /// <summary>
    /// Incidents matching a condition (and its ORDER BY/LIMIT), each whole, in one statement; a copy of one of them at
    /// another version is let go.
    /// </summary>
    private async Task<List<Incident>> ReadIncidentsAsync(string condition, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {IncidentColumns}, {PartColumns} FROM incidents WHERE {condition}");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<Incident> incidents = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            var incident = ReadIncident(reader);
            incident.Roles = PostgresJson.Read<Dictionary<string, string>>(reader.GetString(21));
            incident.Channels = PostgresJson.Read<List<string[]>>(reader.GetString(22)).Select(c => new Incidents.ChannelBinding(c[0], c[1], c[2])).ToList();
            incident.RunbookSessions = PostgresJson.Read<List<RunbookSession>>(reader.GetString(23));
            incidents.Add(incident);
        }
        _committed.Seen(incidents);
        return incidents;
    }

    private static Incident ReadIncident(NpgsqlDataReader reader) => new()
    {
        Number = reader.GetInt32(0),
        Version = reader.GetInt32(1),
        Title = reader.GetString(2),
        Severity = (Severity)reader.GetInt16(3),
        Status = PostgresValues.ToIncidentStatus(reader.GetString(4)),
        IsDrill = reader.GetBoolean(5),
        Service = reader.IsDBNull(6) ? null : reader.GetString(6),
        GroupKey = reader.IsDBNull(7) ? null : reader.GetString(7),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
        AcknowledgedAt = Time(reader, 9),
        MitigatedAt = Time(reader, 10),
        ResolvedAt = Time(reader, 11),
        ClosedAt = Time(reader, 12),
        LastUpdateAt = Time(reader, 13),
        LastReminderAt = Time(reader, 14),
        AlertCount = reader.GetInt32(15),
        FiringAlertCount = reader.GetInt32(16),
        ResolutionSummary = reader.IsDBNull(17) ? null : reader.GetString(17),
        Participants = [.. reader.GetFieldValue<string[]>(18)],
        OnCall = reader.IsDBNull(19) ? null : PostgresJson.Read<IncidentBot.OnCall.OnCallAsk>(reader.GetString(19)),
        ReminderDueAt = Time(reader, 20),
    };

    private Task<List<IncidentAlert>> ReadAlertsAsync(string where, NpgsqlParameter key, CancellationToken cancellationToken) =>
        ReadAlertsFromAsync($"alerts WHERE {where}", key, cancellationToken);

    /// <summary>The alerts of <paramref name="from"/>: a <c>FROM</c> clause whose rows are the <c>alerts</c> table's.</summary>
    private async Task<List<IncidentAlert>> ReadAlertsFromAsync(string from, NpgsqlParameter key, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {AlertColumns} FROM {from}");
        command.Parameters.Add(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<IncidentAlert> alerts = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new IncidentAlert
            {
                Id = reader.GetString(0),
                IncidentNumber = reader.GetInt32(1),
                Source = reader.GetString(2),
                Fingerprint = reader.GetString(3),
                Status = PostgresValues.ToAlertStatus(reader.GetString(4)),
                Severity = reader.IsDBNull(5) ? null : reader.GetString(5),
                Title = reader.GetString(6),
                Description = reader.IsDBNull(7) ? null : reader.GetString(7),
                Labels = PostgresJson.Read<Dictionary<string, string>>(reader.GetString(8)),
                Links = PostgresJson.Read<List<AlertLink>>(reader.GetString(9)),
                StartsAt = Time(reader, 10),
                EndsAt = Time(reader, 11),
                FirstSeenAt = reader.GetFieldValue<DateTimeOffset>(12),
                ResolvedAt = Time(reader, 13),
                Raw = PostgresRawJson.FromJsonb(reader.IsDBNull(14) ? null : reader.GetString(14)),
                Annotations = PostgresJson.Read<Dictionary<string, string>>(reader.GetString(15)),
            });
        }
        return alerts;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
