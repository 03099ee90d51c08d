using IncidentBot.Incidents;
using IncidentBot.Storage;
using Npgsql;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// Incidents for the suites of records that belong to one (rooms, reviews, drill runs): the bot writes those only for an
/// incident it has stored, and PostgreSQL's foreign keys refuse any other.
/// </summary>
internal static class StoredIncidents
{
    /// <summary>Stores a new incident the way the bot opens one; its number.</summary>
    public static async Task<int> AddAsync(StoreUnderTest store, string title = "Checkout is down")
    {
        if (store.Provider == "postgres")
        {
            // PostgresIncidentStore is written on another branch; until it lands, the row is inserted here with SQL.
            // Once it has, this branch goes and both providers store the incident with CommitAsync below.
            await using var insert = store.Get<NpgsqlDataSource>().CreateCommand(
                "INSERT INTO incidents (title, severity, status, created_at) VALUES (@title, 2, 'triggered', now()) RETURNING number");
            insert.Parameters.AddWithValue("title", title);
            return (int)(await insert.ExecuteScalarAsync())!;
        }
        var incidents = store.Get<IIncidentStore>();
        var number = await incidents.NextNumberAsync();
        var changes = new IncidentChanges();
        changes.Incidents[number] = new Incident { Number = number, Title = title, Severity = Severity.Sev2, CreatedAt = DateTimeOffset.UtcNow };
        changes.NewIncidents.Add(number);
        await incidents.CommitAsync(changes);
        return number;
    }
}
