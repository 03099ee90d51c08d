using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>The pg_dump and pg_restore commands docs/storage.md gives work on this schema.</summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresBackupTests(PostgresServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-pgdump-").FullName;

    [SkippableFact]
    public async Task ADumpRestoresIntoAnEmptyDatabaseWithItsDataNumberingAndRules()
    {
        var source = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(source, TimeSpan.FromSeconds(60));
        await Sql.ExecuteAsync(source, """
            INSERT INTO incidents (title, severity, status, group_key, created_at) VALUES
                ('Checkout 5xx', 1, 'triggered', 'checkout-5xx', now()), ('Payments slow', 2, 'resolved', 'payments', now());
            INSERT INTO alerts (id, incident_number, source, fingerprint, status, title, first_seen_at, raw)
            VALUES ('1/alertmanager/abc', 1, 'alertmanager', 'abc', 'firing', 'Checkout 5xx', now(), '{"labels":{"alertname":"Checkout5xx"}}');
            """);
        var dump = Path.Combine(_folder, "incidentbot.dump");
        var target = await server.CreateDatabaseAsync();

        var (dumped, dumpOutput) = await server.RunToolAsync("pg_dump", source,
            "--format=custom", "--no-owner", $"--dbname={Database(source)}", $"--file={dump}");
        Assert.True(dumped == 0, dumpOutput);
        var (restored, restoreOutput) = await server.RunToolAsync("pg_restore", target,
            "--no-owner", "--exit-on-error", "--single-transaction", $"--dbname={Database(target)}", dump);
        Assert.True(restored == 0, restoreOutput);

        // The restored database is at the current schema, has the data, numbers on, and keeps one open incident per key.
        Assert.Empty(PostgresMigrations.Apply(target, TimeSpan.FromSeconds(60)));
        Assert.Equal("Checkout5xx", await Sql.ScalarAsync<string>(target, "SELECT raw -> 'labels' ->> 'alertname' FROM alerts"));
        Assert.Equal(3, await Sql.ScalarAsync<int>(target,
            "INSERT INTO incidents (title, severity, status, created_at) VALUES ('Declared', 3, 'triggered', now()) RETURNING number"));
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(target,
            "INSERT INTO incidents (title, severity, status, group_key, created_at) VALUES ('Again', 1, 'triggered', 'checkout-5xx', now())"));
        Assert.Equal("incidents_one_open_per_group_key", duplicate.ConstraintName);
    }

    private static string Database(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
