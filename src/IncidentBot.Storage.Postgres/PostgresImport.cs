using System.Text.Json;
using System.Text.Json.Nodes;
using IncidentBot.Access;
using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Drills;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using Npgsql;
using NpgsqlTypes;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Writes another store's records into an empty IncidentBot database, for <c>storage copy</c>: one transaction, each
/// table filled with binary <c>COPY</c>, ids and numbers kept. <see cref="Begin"/> applies the schema and refuses a
/// database that holds anything; nothing is visible to anyone until <see cref="Commit"/>, and disposing without it
/// rolls everything back. Rows are written exactly as the stores read them: jsonb through <see cref="PostgresJson"/>,
/// enum words through <see cref="PostgresValues"/>, severities as 1–4.
/// </summary>
public sealed class PostgresImport : IDisposable
{
    /// <summary>The tables a copy fills, in the order it fills them (parents before the rows that refer to them).</summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        "incidents", "incident_roles", "incident_channels", "runbook_versions", "runbook_sessions", "alerts", "timeline",
        "inbox", "outbox", "room_messages", "reviews", "review_versions", "drill_schedules", "drill_runs", "platform_references",
        "dedupe_keys", "api_tokens",
    ];

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);


    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private PostgresImport(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_connection, _transaction) = (connection, transaction);

    /// <summary>
    /// Brings the database to this IncidentBot's schema and starts the copy's transaction, with every table locked
    /// against writers. Throws <see cref="PostgresImportRefusedException"/> when the database holds rows in any of
    /// <see cref="Tables"/>, or tables of something else; in either case nothing was written.
    /// </summary>
    public static PostgresImport Begin(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 300 }.ConnectionString;
        RefuseUnlessEmpty(settings);
        PostgresMigrations.Apply(settings, LockWait);
        var connection = new NpgsqlConnection(settings);
        try
        {
            connection.Open();
            var transaction = connection.BeginTransaction();
            var import = new PostgresImport(connection, transaction);
            // Checked again under the lock: a bot started on this database since the first check may have written.
            import.Execute($"SET LOCAL lock_timeout = {(long)LockWait.TotalMilliseconds}");
            import.Execute($"LOCK TABLE {string.Join(", ", Tables)} IN EXCLUSIVE MODE");
            var rows = import.CountRows().Where(t => t.Value > 0).ToList();
            if (rows.Count > 0)
            {
                throw NotEmpty(rows);
            }
            return import;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public long CopyIncidents(IEnumerable<Incident> incidents) => Copy(
        "incidents (number, version, title, severity, status, is_drill, service, group_key, created_at, acknowledged_at, mitigated_at, " +
        "resolved_at, closed_at, last_update_at, last_reminder_at, alert_count, firing_alert_count, resolution_summary, participants, on_call, reminder_due_at)",
        incidents, (row, i) =>
        {
            row.Write(i.Number, NpgsqlDbType.Integer);
            row.Write(i.Version, NpgsqlDbType.Integer);
            Text(row, i.Title);
            row.Write((short)i.Severity, NpgsqlDbType.Smallint);
            Text(row, PostgresValues.Text(i.Status));
            row.Write(i.IsDrill, NpgsqlDbType.Boolean);
            Text(row, i.Service);
            Text(row, i.GroupKey);
            Time(row, i.CreatedAt);
            Time(row, i.AcknowledgedAt);
            Time(row, i.MitigatedAt);
            Time(row, i.ResolvedAt);
            Time(row, i.ClosedAt);
            Time(row, i.LastUpdateAt);
            Time(row, i.LastReminderAt);
            row.Write(i.AlertCount, NpgsqlDbType.Integer);
            row.Write(i.FiringAlertCount, NpgsqlDbType.Integer);
            Text(row, i.ResolutionSummary);
            TextArray(row, i.Participants);
            Json(row, i.OnCall is null ? null : PostgresJson.Write(i.OnCall));
            Time(row, i.ReminderDueAt);
        });

    public long CopyRoles(IEnumerable<Incident> incidents) => Copy(
        "incident_roles (incident_number, role, user_id)",
        incidents.SelectMany(i => i.Roles.Select(role => (i.Number, role.Key, role.Value))), (row, r) =>
        {
            row.Write(r.Number, NpgsqlDbType.Integer);
            Text(row, r.Key);
            Text(row, r.Value);
        });

    public long CopyChannels(IEnumerable<Incident> incidents) => Copy(
        "incident_channels (incident_number, platform, channel_id, name)",
        incidents.SelectMany(i => i.Channels.Select(channel => (i.Number, channel))), (row, c) =>
        {
            row.Write(c.Number, NpgsqlDbType.Integer);
            Text(row, c.channel.Platform);
            Text(row, c.channel.Id);
            Text(row, c.channel.Name);
        });

    public long CopyRunbookVersions(IEnumerable<RunbookVersionRecord> versions) => Copy(
        "runbook_versions (version, runbook_id, file, markdown)", versions, (row, v) =>
        {
            Text(row, v.Version);
            Text(row, v.RunbookId);
            Text(row, v.File);
            Text(row, v.Markdown);
        });

    /// <summary>An incident's sessions in the order it started them: the ordinal is the position in that list.</summary>
    public long CopyRunbookSessions(IEnumerable<Incident> incidents) => Copy(
        "runbook_sessions (incident_number, ordinal, runbook_id, title, version, started_at, started_by, current_index, completed_at, steps)",
        incidents.SelectMany(i => i.RunbookSessions.Select((session, ordinal) => (i.Number, ordinal, session))), (row, s) =>
        {
            row.Write(s.Number, NpgsqlDbType.Integer);
            row.Write(s.ordinal, NpgsqlDbType.Integer);
            Text(row, s.session.RunbookId);
            Text(row, s.session.Title);
            Text(row, s.session.Version);
            Time(row, s.session.StartedAt);
            Text(row, s.session.StartedBy);
            row.Write(s.session.CurrentIndex, NpgsqlDbType.Integer);
            Time(row, s.session.CompletedAt);
            Json(row, PostgresJson.Write(s.session.Steps));
        });

    public long CopyAlerts(IEnumerable<IncidentAlert> alerts) => Copy(
        "alerts (id, incident_number, source, fingerprint, status, severity, title, description, labels, links, starts_at, ends_at, first_seen_at, resolved_at, raw, annotations)",
        alerts, (row, a) =>
        {
            Text(row, a.Id);
            row.Write(a.IncidentNumber, NpgsqlDbType.Integer);
            Text(row, a.Source);
            Text(row, a.Fingerprint);
            Text(row, PostgresValues.Text(a.Status));
            Text(row, a.Severity);
            Text(row, a.Title);
            Text(row, a.Description);
            Json(row, PostgresJson.Write(a.Labels));
            Json(row, PostgresJson.Write(a.Links));
            Time(row, a.StartsAt);
            Time(row, a.EndsAt);
            Time(row, a.FirstSeenAt);
            Time(row, a.ResolvedAt);
            Json(row, RawPayload(a.Raw));
            Json(row, PostgresJson.Write(a.Annotations));
        });

    public long CopyTimeline(IEnumerable<TimelineEntry> entries) => Copy(
        "timeline (id, incident_number, at, actor, kind, text)", entries, (row, t) =>
        {
            row.Write(t.Id, NpgsqlDbType.Bigint);
            row.Write(t.IncidentNumber, NpgsqlDbType.Integer);
            Time(row, t.At);
            Text(row, t.Actor);
            Text(row, t.Kind);
            Text(row, t.Text);
        });

    /// <summary>
    /// Entries waiting to be correlated, with their failed attempts and dead-letter mark. Leases are not copied: they
    /// belonged to the stopped bot's processor, and a lease nobody holds only delays the entry.
    /// </summary>
    public long CopyInbox(IEnumerable<InboxEntry> entries) => Copy(
        "inbox (id, received_at, alert, raw, attempts, last_error, dead_lettered)", entries, (row, e) =>
        {
            row.Write(e.Id, NpgsqlDbType.Bigint);
            Time(row, e.ReceivedAt);
            Json(row, AlertWithoutRaw(e.Alert));
            Json(row, RawPayload(e.Alert.Raw));
            row.Write(e.Attempts, NpgsqlDbType.Integer);
            Text(row, e.LastError);
            row.Write(e.DeadLettered, NpgsqlDbType.Boolean);
        });

    /// <summary>Chat work as it stands: delivered, failed and pending items with their attempts and errors; claims, like leases, are not copied.</summary>
    public long CopyOutbox(IEnumerable<OutboxItem> items) => Copy(
        "outbox (id, platform, incident_number, kind, message, created_at, next_attempt_at, attempts, last_error, state, completed_at)",
        items, (row, o) =>
        {
            row.Write(o.Id, NpgsqlDbType.Bigint);
            Text(row, o.Platform);
            Integer(row, o.IncidentNumber);
            Text(row, PostgresValues.Text(o.Kind));
            Json(row, o.MessageJson, NpgsqlDbType.Json);
            Time(row, o.CreatedAt);
            Time(row, o.NextAttemptAt);
            row.Write(o.Attempts, NpgsqlDbType.Integer);
            Text(row, o.LastError);
            Text(row, PostgresValues.Text(o.State));
            Time(row, o.CompletedAt);
        });

    public long CopyRoomMessages(IEnumerable<RoomMessage> messages) => Copy(
        "room_messages (id, incident_number, at, author, text, message)", messages, (row, m) =>
        {
            row.Write(m.Id, NpgsqlDbType.Bigint);
            row.Write(m.IncidentNumber, NpgsqlDbType.Integer);
            Time(row, m.At);
            Text(row, m.Author);
            Text(row, m.Text);
            Json(row, m.MessageJson, NpgsqlDbType.Json);
        });

    public long CopyReviews(IEnumerable<RcaDocument> reviews) => Copy(
        "reviews (incident_number, completed_at, completed_by)", reviews, (row, r) =>
        {
            row.Write(r.IncidentNumber, NpgsqlDbType.Integer);
            Time(row, r.CompletedAt);
            Text(row, r.CompletedBy);
        });

    /// <summary>Every version a review kept, with its number, author and time.</summary>
    public long CopyReviewVersions(IEnumerable<RcaDocument> reviews) => Copy(
        "review_versions (incident_number, version, markdown, author, saved_at)",
        reviews.SelectMany(r => r.Versions.Select(version => (r.IncidentNumber, version))), (row, v) =>
        {
            row.Write(v.IncidentNumber, NpgsqlDbType.Integer);
            row.Write(v.version.Version, NpgsqlDbType.Integer);
            Text(row, v.version.Markdown);
            Text(row, v.version.Author);
            Time(row, v.version.SavedAt);
        });

    public long CopyDrillSchedules(IEnumerable<DrillSchedule> schedules) => Copy(
        "drill_schedules (id, runbook_id, cron, time_zone, severity, participants, created_by, created_at, cancelled_at, last_fire_at)",
        schedules, (row, s) =>
        {
            Text(row, s.Id);
            Text(row, s.RunbookId);
            Text(row, s.Cron);
            Text(row, s.TimeZone);
            row.Write((short)s.Severity, NpgsqlDbType.Smallint);
            TextArray(row, s.Participants);
            Text(row, s.CreatedBy);
            Time(row, s.CreatedAt);
            Time(row, s.CancelledAt);
            Time(row, s.LastFireAt);
        });

    public long CopyDrillRuns(IEnumerable<DrillRun> runs) => Copy(
        "drill_runs (id, schedule_id, runbook_id, incident_number, scheduled_for, started_at, missed, report)", runs, (row, r) =>
        {
            row.Write(r.Id, NpgsqlDbType.Bigint);
            Text(row, r.ScheduleId);
            Text(row, r.RunbookId);
            Integer(row, r.IncidentNumber);
            Time(row, r.ScheduledFor);
            Time(row, r.StartedAt);
            row.Write(r.Missed, NpgsqlDbType.Boolean);
            Json(row, r.Report is null ? null : PostgresJson.Write(r.Report));
        });

    /// <summary>
    /// The adapters' lasting references and the deduplication keys that have not expired, in one step of its own:
    /// this is the part of the schema that changes when the adapters get typed records of their own (issue 17), so
    /// it is the one place to adapt. References are kept for good (no expiry); a dedupe key keeps its expiry and has
    /// no value.
    /// </summary>
    public long CopyPlatformReferences(IEnumerable<(string Platform, string Kind, string Key, int? IncidentNumber, string ValueJson, DateTimeOffset? SavedAt)> references, DateTimeOffset now) => Copy(
        "platform_references (platform, kind, key, incident_number, value, updated_at)", references, (row, r) =>
        {
            Text(row, r.Platform);
            Text(row, r.Kind);
            Text(row, r.Key);
            Integer(row, r.IncidentNumber);
            Json(row, r.ValueJson);
            Time(row, r.SavedAt ?? now);
        });

    /// <summary>Deliveries already acted on whose repeat could still arrive; the caller leaves out expired ones.</summary>
    public long CopyDedupeKeys(IEnumerable<DeduplicationKey> keys) => Copy(
        "dedupe_keys (key, expires_at)", keys, (row, k) =>
        {
            Text(row, k.Key);
            Time(row, k.ExpiresAt);
        });

    /// <summary>
    /// API tokens with everything that makes them work the same after the move: the hash (a token people hold keeps
    /// working), the role, who created it and when, the last use, and the revocation (a revoked token stays refused).
    /// </summary>
    public long CopyApiTokens(IEnumerable<ApiToken> tokens) => Copy(
        "api_tokens (name, role, token_hash, created_at, created_by, last_used_at, revoked_at)", tokens, (row, t) =>
        {
            Text(row, t.Name);
            Text(row, ApiTokens.RoleName(t.Role));
            Text(row, t.Hash);
            Time(row, t.CreatedAt);
            Text(row, t.CreatedBy);
            Time(row, t.LastUsedAt);
            Time(row, t.RevokedAt);
        });

    /// <summary>
    /// Moves the incident number sequence past <paramref name="lastIncidentNumber"/> (the last number the old store
    /// handed out, which may be above the highest copied incident) and every id sequence past its table's highest id,
    /// so what the bot writes next continues the numbering instead of colliding with a copied row.
    /// </summary>
    public void ContinueSequences(int lastIncidentNumber)
    {
        using (var incidents = Command("""
            SELECT setval('incident_number_seq', greatest(@last, coalesce(max(number), 0), 1), greatest(@last, coalesce(max(number), 0)) > 0) FROM incidents
            """))
        {
            incidents.Parameters.AddWithValue("last", lastIncidentNumber);
            incidents.ExecuteNonQuery();
        }
        foreach (var table in new[] { "timeline", "inbox", "outbox", "room_messages", "drill_runs" })
        {
            Execute($"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(coalesce(max(id), 0), 1), max(id) IS NOT NULL) FROM {table}");
        }
    }

    /// <summary>How many rows each of <see cref="Tables"/> holds, as this transaction sees them.</summary>
    public IReadOnlyDictionary<string, long> CountRows()
    {
        using var count = Command(string.Join(" UNION ALL ", Tables.Select(t => $"SELECT '{t}', count(*) FROM {t}")));
        using var reader = count.ExecuteReader();
        var rows = new Dictionary<string, long>();
        while (reader.Read())
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }
        return rows;
    }

    /// <summary>Makes the whole copy visible at once.</summary>
    public void Commit() => _transaction.Commit();

    /// <summary>Without <see cref="Commit"/>, rolls the copy back: the database is left as empty as it was found.</summary>
    public void Dispose()
    {
        _transaction.Dispose();
        _connection.Dispose();
    }

    /// <summary>A raw alert payload as the stores keep it (<see cref="PostgresRawJson"/>), so they read back what was copied.</summary>
    internal static string? RawPayload(string? raw) => PostgresRawJson.ToJsonb(raw);

    /// <summary>The normalised alert of an inbox entry; its raw payload goes in a column of its own.</summary>
    internal static string AlertWithoutRaw(Alert alert)
    {
        var json = JsonSerializer.SerializeToNode(alert, PostgresJson.Options)!.AsObject();
        json.Remove(JsonNamingPolicy.CamelCase.ConvertName(nameof(Alert.Raw)));
        return json.ToJsonString(PostgresJson.Options);
    }

    /// <summary>
    /// How many text values held what PostgreSQL cannot store (a NUL character, half of a surrogate pair) and were
    /// written with U+FFFD in its place.
    /// </summary>
    public long RepairedValues { get; private set; }

    /// <summary>Text with every NUL character and every unpaired surrogate replaced by U+FFFD; counted in <see cref="RepairedValues"/>.</summary>
    private string Storable(string text)
    {
        var repaired = StorableText.Clean(text);
        if (!ReferenceEquals(repaired, text))
        {
            RepairedValues++;
        }
        return repaired;
    }

    /// <summary>JSON text with the escapes jsonb refuses (<c>\u0000</c>, unpaired surrogates) replaced by <c>\ufffd</c>.</summary>
    private string StorableJson(string json)
    {
        var repaired = TextRepair.RepairJson(StorableText.Clean(json));
        if (!ReferenceEquals(repaired, json))
        {
            RepairedValues++;
        }
        return repaired;
    }

    private long Copy<T>(string tableAndColumns, IEnumerable<T> rows, Action<NpgsqlBinaryImporter, T> write)
    {
        using var importer = _connection.BeginBinaryImport($"COPY {tableAndColumns} FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            importer.StartRow();
            write(importer, row);
        }
        return (long)importer.Complete();
    }

    private void Text(NpgsqlBinaryImporter row, string? value)
    {
        if (value is null)
        {
            row.WriteNull();
        }
        else
        {
            row.Write(Storable(value), NpgsqlDbType.Text);
        }
    }

    private void TextArray(NpgsqlBinaryImporter row, IEnumerable<string> values) =>
        row.Write(values.Select(Storable).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);

    /// <summary>JSON for a jsonb column, or a json one (<see cref="NpgsqlDbType.Json"/>: chat messages, kept as written).</summary>
    private void Json(NpgsqlBinaryImporter row, string? json, NpgsqlDbType type = NpgsqlDbType.Jsonb)
    {
        if (json is null)
        {
            row.WriteNull();
        }
        else
        {
            row.Write(StorableJson(json), type);
        }
    }

    private static void Integer(NpgsqlBinaryImporter row, int? value)
    {
        if (value is { } number)
        {
            row.Write(number, NpgsqlDbType.Integer);
        }
        else
        {
            row.WriteNull();
        }
    }

    // timestamptz takes UTC only.
    private static void Time(NpgsqlBinaryImporter row, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            row.Write(time.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }
        else
        {
            row.WriteNull();
        }
    }

    /// <summary>
    /// Before the schema is applied: a database holding IncidentBot rows, or tables of another application, is refused
    /// while it is still untouched.
    /// </summary>
    private static void RefuseUnlessEmpty(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var tables = new List<string>();
        using (var list = new NpgsqlCommand(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1", connection))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        if (tables.Count == 0)
        {
            return;
        }
        if (!tables.Contains(PostgresMigrations.JournalTable))
        {
            throw new PostgresImportRefusedException(
                $"the database is not empty: it holds tables of something else ({string.Join(", ", tables.Take(10))}{(tables.Count > 10 ? ", …" : "")}). Copy into a new, empty database.");
        }
        var present = Tables.Where(tables.Contains).ToList();
        if (present.Count == 0)
        {
            return;
        }
        using var count = new NpgsqlCommand(string.Join(" UNION ALL ", present.Select(t => $"SELECT '{t}', count(*) FROM {t}")), connection);
        using var counts = count.ExecuteReader();
        var rows = new List<KeyValuePair<string, long>>();
        while (counts.Read())
        {
            if (counts.GetInt64(1) > 0)
            {
                rows.Add(new(counts.GetString(0), counts.GetInt64(1)));
            }
        }
        if (rows.Count > 0)
        {
            throw NotEmpty(rows);
        }
    }

    private static PostgresImportRefusedException NotEmpty(IEnumerable<KeyValuePair<string, long>> rows) =>
        new($"the database is not empty: it already holds IncidentBot data ({string.Join(", ", rows.Select(r => $"{r.Key}: {r.Value} row(s)"))}). " +
            "storage copy only fills an empty database, so it never mixes two bots' incidents; copy into a new, empty database.");

    private NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }
}

/// <summary>The target database cannot take a copy; the message says why. Nothing was written to it.</summary>
public sealed class PostgresImportRefusedException(string message) : Exception(message);
