using IncidentBot.Rca;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// Reviews in <c>reviews</c> (one row per incident: completed or not) and their versions in <c>review_versions</c>.
/// Every save of a review locks its <c>reviews</c> row first, so saves of one review take turns and each reads the
/// version that is really current; the primary key <c>(incident_number, version)</c> stays the last word should two
/// writers ever insert the same version. A review belongs to a stored incident (the foreign key refuses others).
/// </summary>
public sealed class PostgresRcaStore(NpgsqlDataSource dataSource) : IRcaStore
{
    private const string SelectDocuments =
        """
        SELECT r.incident_number, r.completed_at, r.completed_by, v.version, v.markdown, v.author, v.saved_at
        FROM reviews r LEFT JOIN review_versions v ON v.incident_number = r.incident_number
        """;

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public async ValueTask<RcaDocument?> FindRcaAsync(int incidentNumber, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, incidentNumber, cancellationToken);
    }

    public async ValueTask<RcaDocument?> SaveRcaVersionAsync(int incidentNumber, string markdown, string author, DateTimeOffset at, int expectedVersion, int historyBytes, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // The first save creates the review; a second first save waits here for it, then finds version 1.
            await ExecuteAsync(connection, transaction, "INSERT INTO reviews (incident_number) VALUES (@incident) ON CONFLICT (incident_number) DO NOTHING", incidentNumber, cancellationToken);
            await ExecuteAsync(connection, transaction, "SELECT 1 FROM reviews WHERE incident_number = @incident FOR UPDATE", incidentNumber, cancellationToken);
            var document = (await FindAsync(connection, transaction, incidentNumber, cancellationToken))!;
            var current = document.Versions.Count == 0 ? 0 : document.Current.Version;
            if (current != expectedVersion)
            {
                // Someone saved in between; the rollback also takes back a review row this call created.
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
            // Saving the text that is already current is not a new version (a client saving on every keystroke, a retry).
            if (current != 0 && document.Current.Markdown == markdown)
            {
                await transaction.RollbackAsync(cancellationToken);
                return document;
            }
            var kept = document.Versions.Select(v => v.Version).ToList();
            document.Versions.Add(new RcaVersion { Version = current + 1, Markdown = markdown, Author = author, SavedAt = at });
            document.DropOldVersions(historyBytes);
            var dropped = kept.Except(document.Versions.Select(v => v.Version)).ToArray();
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO review_versions (incident_number, version, markdown, author, saved_at)
                VALUES (@incident, @version, @markdown, @author, @at)
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue("incident", incidentNumber);
                insert.Parameters.AddWithValue("version", current + 1);
                insert.Parameters.AddWithValue("markdown", markdown);
                insert.Parameters.AddWithValue("author", author);
                insert.Parameters.AddWithValue("at", at.ToUniversalTime());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            if (dropped.Length > 0)
            {
                await using var drop = new NpgsqlCommand("DELETE FROM review_versions WHERE incident_number = @incident AND version = ANY (@versions)", connection, transaction);
                drop.Parameters.AddWithValue("incident", incidentNumber);
                drop.Parameters.AddWithValue("versions", dropped);
                await drop.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return document;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another writer stored this version first: the same answer as a stale expectedVersion.
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new InvalidOperationException($"There is no incident INC-{incidentNumber} to write a review for.", e);
        }
    }

    /// <summary>One statement on the review's own row; its versions are not touched.</summary>
    public async ValueTask<RcaDocument?> CompleteRcaAsync(int incidentNumber, string completedBy, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var complete = new NpgsqlCommand(
            "UPDATE reviews SET completed_at = @completedAt, completed_by = @completedBy WHERE incident_number = @incident", connection))
        {
            complete.Parameters.AddWithValue("incident", incidentNumber);
            complete.Parameters.AddWithValue("completedAt", completedAt.ToUniversalTime());
            complete.Parameters.AddWithValue("completedBy", completedBy);
            if (await complete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }
        return await FindAsync(connection, null, incidentNumber, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<RcaDocument>> RcasAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SelectDocuments + " ORDER BY r.incident_number, v.version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadAsync(reader, cancellationToken);
    }

    private static async Task<RcaDocument?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int incidentNumber, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectDocuments + " WHERE r.incident_number = @incident ORDER BY v.version", connection, transaction);
        command.Parameters.AddWithValue("incident", incidentNumber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return (await ReadAsync(reader, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Rows ordered by incident, then version; a review without versions has one row of nulls on the right.</summary>
    private static async Task<List<RcaDocument>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var documents = new List<RcaDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var number = reader.GetInt32(0);
            if (documents.Count == 0 || documents[^1].IncidentNumber != number)
            {
                documents.Add(new RcaDocument
                {
                    IncidentNumber = number,
                    CompletedAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                    CompletedBy = reader.IsDBNull(2) ? null : reader.GetString(2),
                });
            }
            if (!reader.IsDBNull(3))
            {
                documents[^1].Versions.Add(new RcaVersion
                {
                    Version = reader.GetInt32(3),
                    Markdown = reader.GetString(4),
                    Author = reader.GetString(5),
                    SavedAt = reader.GetFieldValue<DateTimeOffset>(6),
                });
            }
        }
        return documents;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, int incidentNumber, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("incident", incidentNumber);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
