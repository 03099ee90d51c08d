using System.Diagnostics;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using Npgsql;

namespace IncidentBot.Backups;

/// <summary>
/// <c>storage copy &lt;litedb-file&gt; "&lt;postgresql connection string&gt;"</c>: moves a stopped bot's data file
/// into an empty PostgreSQL database, the way up from LiteDB. The data file is held exclusively for the whole copy
/// (no bot can start on it meanwhile) and read from a snapshot beside it, so it is never changed. Everything is
/// written in one PostgreSQL transaction, counted against the file, and committed only when every count matches.
/// </summary>
internal static class StorageCopyCommand
{
    public const string Usage = "Usage: storage copy <litedb-file> \"<postgresql connection string>\"   (copies a stopped bot's data file into an empty PostgreSQL database)";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public static int Run(string file, string connectionString, TextWriter output, TextWriter errors)
    {
        var dataFile = Path.GetFullPath(file);
        if (!File.Exists(dataFile))
        {
            errors.WriteLine($"Nothing was copied: there is no data file at {dataFile}.");
            return 1;
        }
        // The check names the bot's setting; here the connection string is the command's argument.
        var problem = PostgresConnectionCheck.ProblemAsync(connectionString, ConnectTimeout).GetAwaiter().GetResult()
            ?.Replace($" ({PostgresConnectionCheck.Setting})", "").Replace(PostgresConnectionCheck.Setting, "the connection string");
        if (problem is not null)
        {
            errors.WriteLine($"Nothing was copied: {problem}");
            return 1;
        }
        var target = Describe(connectionString);
        var snapshot = Path.Combine(Path.GetDirectoryName(dataFile)!, $"{Path.GetFileNameWithoutExtension(dataFile)}.storage-copy-{Guid.NewGuid():N}.db");
        try
        {
            // Held until the copy is committed: a bot starting on the file now would go on without the database.
            using var held = DataFileLock.Take(dataFile) ?? throw new FileNotFoundException($"There is no data file at {dataFile}.");
            TakeSnapshot(held, dataFile, snapshot);
            using var source = LiteDbExport.Open(snapshot, dataFile);
            output.WriteLine($"Copying {dataFile} into PostgreSQL at {target}.");
            using var import = PostgresImport.Begin(connectionString);
            return Copy(source, import, output, errors);
        }
        catch (DataFileInUseException)
        {
            errors.WriteLine($"Nothing was copied: {dataFile} is open in another process, most likely a running IncidentBot. Stop the bot first, then copy: a copy of a file that is still being written would miss what comes after it.");
            return 1;
        }
        catch (PostgresImportRefusedException ex)
        {
            errors.WriteLine($"Nothing was copied into {target}: {ex.Message}");
            return 1;
        }
        catch (PostgresMigrationException ex)
        {
            errors.WriteLine($"Nothing was copied into {target}: the schema could not be applied: {ex.Message}");
            return 1;
        }
        catch (PostgresException ex)
        {
            var constraint = ex.ConstraintName is null ? "" : $" (constraint {ex.ConstraintName}{(ex.TableName is null ? "" : $" on {ex.TableName}")})";
            errors.WriteLine($"Nothing was copied into {target}: PostgreSQL refused a row: {ex.MessageText}{constraint}. The copy was rolled back.");
            return 1;
        }
        catch (NpgsqlException ex)
        {
            errors.WriteLine($"Nothing was copied into {target}: {ex.Message} The copy was rolled back.");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.WriteLine($"Nothing was copied: {ex.Message}");
            return 1;
        }
        catch (LiteDB.LiteException ex)
        {
            // A page the snapshot cannot read half-way through: the transaction is rolled back with the import.
            errors.WriteLine($"Nothing was copied: {dataFile} could not be read to the end ({ex.Message}). The copy was rolled back.");
            return 1;
        }
        finally
        {
            File.Delete(snapshot);
            File.Delete(LogOf(snapshot));
        }
    }

    private static int Copy(LiteDbExport source, PostgresImport import, TextWriter output, TextWriter errors)
    {
        var now = DateTimeOffset.UtcNow;
        var steps = new (string Table, Func<long> Copy)[]
        {
            ("incidents", () => import.CopyIncidents(source.Incidents())),
            ("incident_roles", () => import.CopyRoles(source.Incidents())),
            ("incident_channels", () => import.CopyChannels(source.Incidents())),
            ("runbook_versions", () => import.CopyRunbookVersions(source.RunbookVersions())),
            ("runbook_sessions", () => import.CopyRunbookSessions(source.Incidents())),
            ("alerts", () => import.CopyAlerts(source.Alerts())),
            ("timeline", () => import.CopyTimeline(source.Timeline())),
            ("inbox", () => import.CopyInbox(source.Inbox())),
            ("outbox", () => import.CopyOutbox(source.Outbox())),
            ("room_messages", () => import.CopyRoomMessages(source.RoomMessages())),
            ("reviews", () => import.CopyReviews(source.Reviews())),
            ("review_versions", () => import.CopyReviewVersions(source.Reviews())),
            ("drill_schedules", () => import.CopyDrillSchedules(source.DrillSchedules())),
            ("drill_runs", () => import.CopyDrillRuns(source.DrillRuns())),
            ("platform_references", () => import.CopyPlatformReferences(source.References().Select(r => (r.Platform, r.Kind, r.Key, r.IncidentNumber, r.ValueJson, r.SavedAt)), now)),
            ("dedupe_keys", () => import.CopyDedupeKeys(source.DeduplicationKeys(now))),
            ("api_tokens", () => import.CopyApiTokens(source.ApiTokens())),
        };
        var width = steps.Max(s => s.Table.Length);
        foreach (var (table, copy) in steps)
        {
            var clock = Stopwatch.StartNew();
            var rows = copy();
            output.WriteLine($"  {table.PadRight(width)}  {rows,9:N0} row(s)  {clock.Elapsed.TotalSeconds,6:0.0} s");
        }
        import.ContinueSequences(source.LastIncidentNumber());
        if (import.RepairedValues > 0)
        {
            output.WriteLine($"  {import.RepairedValues:N0} text value(s) held a NUL character or half a surrogate pair, which PostgreSQL cannot store: copied with U+FFFD in its place.");
        }

        var expected = source.Counts(now);
        var copied = import.CountRows();
        output.WriteLine();
        output.WriteLine($"  {"table".PadRight(width)}  {"LiteDB",9}  {"PostgreSQL",10}");
        var differ = new List<string>();
        foreach (var table in PostgresImport.Tables)
        {
            var (want, have) = (expected.GetValueOrDefault(table), copied.GetValueOrDefault(table));
            output.WriteLine($"  {table.PadRight(width)}  {want,9:N0}  {have,10:N0}{(want == have ? "" : "  <- differs")}");
            if (want != have)
            {
                differ.Add(table);
            }
        }
        if (differ.Count > 0)
        {
            errors.WriteLine($"Nothing was copied: the counts differ for {string.Join(", ", differ)}, so the copy was rolled back. The data file is unchanged; please report this.");
            return 1;
        }
        import.Commit();
        output.WriteLine();
        output.WriteLine($"Copied: every count matches. Incident numbers continue after {source.LastIncidentNumber()}.");
        output.WriteLine("Next: start the bot with Storage__Provider=postgres and ConnectionStrings__IncidentBot set to this database. Keep the LiteDB file until it runs well.");
        return 0;
    }

    /// <summary>
    /// Copies the data file (through the exclusive handle: opening it again would conflict with its own lock) and the
    /// log LiteDB keeps beside it until a checkpoint, so transactions a crash left in the log are copied too.
    /// </summary>
    private static void TakeSnapshot(FileStream held, string dataFile, string snapshot)
    {
        using (var copy = new FileStream(snapshot, FileMode.CreateNew))
        {
            held.CopyTo(copy);
        }
        if (File.Exists(LogOf(dataFile)))
        {
            File.Copy(LogOf(dataFile), LogOf(snapshot));
        }
    }

    /// <summary>LiteDB keeps a file's log beside it as <c>&lt;name&gt;-log&lt;extension&gt;</c>.</summary>
    private static string LogOf(string file) =>
        Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + "-log" + Path.GetExtension(file));

    /// <summary>Where the copy goes, for messages: server, port, database and user, never the password.</summary>
    private static string Describe(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{target.Host}:{target.Port}/{target.Database ?? target.Username} (user {target.Username})";
    }
}
