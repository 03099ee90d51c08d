using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Backups;

/// <summary><c>POST /api/admin/backup</c>: the running bot's copy, guarded like the rest of the API.</summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class BackupEndpointTests
{
    private const string Token = "a-long-random-console-token";

    [Fact]
    public async Task BackupNeedsTheConsoleTokenWhenOneIsConfigured()
    {
        using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });

        var response = await app.CreateClient().PostAsync("/api/admin/backup", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BackupIsACopyThatOpensAndHoldsTheIncidents()
    {
        using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await client.PostAsync("/api/commands", JsonContent.Create(new { user = "alice", text = "declare Checkout is down sev1" }));

        var response = await client.PostAsync("/api/admin/backup", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Path.Combine(app.DataFolder, "incidentbot.db"), response.Headers.GetValues("IncidentBot-Data-File").Single());
        var copy = Path.Combine(app.DataFolder, "copy.db");
        await File.WriteAllBytesAsync(copy, await response.Content.ReadAsByteArrayAsync());
        var summary = LiteDbDataFile.Inspect(copy, copy);
        Assert.Equal(1, summary.Incidents);
        Assert.Equal(LiteDbDataFile.CurrentSchemaVersion, summary.SchemaVersion);
        Assert.Empty(Directory.GetFiles(app.DataFolder, "*.tmp")); // the bot's temporary copy is gone once sent
    }
}
