using System.Net;
using System.Net.Http.Json;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IncidentBot.Tests.Backups;

/// <summary>
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
    public async Task TheBackupIsAProblemNamingPgDumpForTheConfiguredDatabase(string connectionString, string instead)
    {
        using var app = new IncidentBotApplication(new() { ["ConnectionStrings:IncidentBot"] = connectionString }, services => services.RemoveAll<IStorageBackup>());

        var response = await app.CreateClient().PostAsync("/api/admin/backup", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal("Back up PostgreSQL with pg_dump", problem!.Title);
        Assert.Contains(instead, problem.Detail);
        Assert.DoesNotContain(Password, await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("IncidentBot-Data-File"));
        Assert.Empty(Directory.GetFiles(app.DataFolder, "*.tmp"));
    }
}
