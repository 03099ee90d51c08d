using System.Net;
using System.Net.Http.Json;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using IncidentBot.Backups;
using Microsoft.Extensions.Configuration;

namespace IncidentBot.Tests.Backups;

/// <summary>
/// (The endpoint's 409 on a bot running on PostgreSQL is checked in the PostgreSQL pass by ApiContentTypeTests.)
/// <c>POST /api/admin/backup</c> on a bot whose store is PostgreSQL: there is no data file to copy (the PostgreSQL store
/// registers no <see cref="IStorageBackup"/>), so the caller gets a problem with the pg_dump command for the configured
/// database, never its password, and nothing is written.
/// </summary>
public sealed class BackupOnPostgresEndpointTests
{
    private const string Password = "pg-Secret-0451";

    [Theory]
    [InlineData("Host=db.internal;Database=incidents;Username=incidentbot;Password=" + Password,
        "pg_dump --format=custom --no-owner --host=db.internal --port=5432 --username=incidentbot --dbname=incidents --file=incidentbot-$(date +%F).dump")]
    [InlineData("Host=10.0.0.7;Port=6432;Username=bot;Password=" + Password,
        "pg_dump --format=custom --no-owner --host=10.0.0.7 --port=6432 --username=bot --dbname=bot --file=incidentbot-$(date +%F).dump")]
    [InlineData("Host=db;Password='" + Password,
        "pg_dump --format=custom --no-owner --host=<host> --port=5432 --username=<user> --dbname=<database> --file=incidentbot-$(date +%F).dump")]
    public void TheBackupAdviceNamesPgDumpForTheConfiguredDatabaseAndNeverItsPassword(string connectionString, string instead)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:IncidentBot"] = connectionString,
        }).Build();

        var advice = PostgresBackupAdvice.Backup(configuration);

        Assert.Contains(instead, advice);
        Assert.DoesNotContain(Password, advice);
    }
}
