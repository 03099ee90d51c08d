using System.Net;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// The bot on PostgreSQL when the server stops taking writes (a failover to a standby, <c>default_transaction_read_only</c>):
/// webhooks 503 with Retry-After, readiness fails saying why, reads still work, and everything comes back without a
/// restart once the server writes again; what was acknowledged on either side is there, what was refused is not.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresOutageTests(PostgresServer server)
{
    [SkippableFact]
    public async Task AReadOnlyServerAnswers503AndFailsReadinessThenRecoversWithoutARestart()
    {
        var database = await server.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var app = new IncidentBotApplication(new()
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:IncidentBot"] = database,
        });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await app.PostRawAsync("/webhooks/generic", Alert("before"))).StatusCode);
        await app.WaitForProcessingAsync();

        await SetReadOnlyAsync(name, true);
        var refused = await app.PostRawAsync("/webhooks/generic", Alert("during"));
        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("Nothing was stored; send it again.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("the PostgreSQL database cannot be written", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/incidents")).StatusCode); // reads still work

        await SetReadOnlyAsync(name, false);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readiness to come back by itself");
        // A sender honouring Retry-After: at most one call may still meet a connection the failover ended.
        await Eventually.TrueAsync(async () => (await app.PostRawAsync("/webhooks/generic", Alert("after"))).StatusCode == HttpStatusCode.Accepted, "the sender's retry to be accepted");
        await app.WaitForProcessingAsync();

        Assert.Equal(["Read-only alert after", "Read-only alert before"], (await app.ListIncidentsAsync()).Select(i => i.Title).Order());
    }

    /// <summary>As a failover does: the setting changes and every open connection of the bot is ended.</summary>
    private async Task SetReadOnlyAsync(string database, bool readOnly)
    {
        await Sql.ExecuteAsync(server.AdminConnectionString, $"ALTER DATABASE {database} SET default_transaction_read_only = {(readOnly ? "on" : "off")}");
        await Sql.ScalarAsync<bool>(server.AdminConnectionString,
            "SELECT coalesce(bool_and(pg_terminate_backend(pid)), true) FROM pg_stat_activity WHERE datname = @database AND application_name = @application",
            ("database", database), ("application", PostgresStorageExtensions.ApplicationName));
    }

    private static string Alert(string when) => $$"""{"title":"Read-only alert {{when}}","dedupKey":"read-only-{{when}}"}""";
}
