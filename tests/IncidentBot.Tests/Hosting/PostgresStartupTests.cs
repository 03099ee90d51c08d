using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Hosting;

/// <summary>
/// The real process on Storage:Provider postgres: a server it cannot use is one line naming
/// ConnectionStrings:IncidentBot (never the password) and exit code 78, before it listens; a good one gets its
/// schema applied at start, also by two bots starting together on one empty database.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresStartupTests(PostgresServer server) : IDisposable
{
    private const string WrongSecret = "Wr0ng-Secret-9f1c";
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-pg-start-").FullName;

    [SkippableFact]
    public async Task NoServerOnThePortIsRefusedWithOneLine()
    {
        var port = FreePort();
        var connection = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Port = port, Password = WrongSecret };

        var (exitCode, output) = await RefusedAsync(connection.ConnectionString);

        Assert.Equal(78, exitCode);
        AssertOneProblem(output, $"Cannot reach PostgreSQL at 127.0.0.1:{port} (ConnectionStrings:IncidentBot): connection refused");
    }

    [SkippableFact]
    public async Task AWrongPasswordIsRefusedWithoutPrintingIt()
    {
        var good = new NpgsqlConnectionStringBuilder(server.AdminConnectionString);
        var wrong = new NpgsqlConnectionStringBuilder(good.ConnectionString) { Password = WrongSecret };

        var (exitCode, output) = await RefusedAsync(wrong.ConnectionString);

        Assert.Equal(78, exitCode);
        AssertOneProblem(output, $"PostgreSQL at {good.Host}:{good.Port} refused the password for user \"{good.Username}\" (ConnectionStrings:IncidentBot).");
        Assert.DoesNotContain(good.Password!, output);
    }

    [SkippableFact]
    public async Task AMissingDatabaseIsNamed()
    {
        var missing = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = "no_such_incidentbot" };

        var (exitCode, output) = await RefusedAsync(missing.ConnectionString);

        Assert.Equal(78, exitCode);
        AssertOneProblem(output, $"PostgreSQL at {missing.Host}:{missing.Port} has no database \"no_such_incidentbot\": create it, or fix Database= in ConnectionStrings:IncidentBot.");
    }

    [SkippableFact]
    public async Task AGoodServerStartsTheBotWithItsSchemaApplied()
    {
        var database = await server.CreateDatabaseAsync();

        await using var bot = await BotProcess.StartAsync(_data, Postgres(database));

        Assert.Equal(HttpStatusCode.OK, (await bot.Client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(PostgresMigrations.Scripts, await AppliedScriptsAsync(database));
        Assert.Contains($"Applied {PostgresMigrations.Scripts.Count} schema script(s)", bot.Output);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(database).Password!, bot.Output);
        Assert.Empty(Directory.GetFiles(_data, "*.db", SearchOption.AllDirectories)); // no LiteDB file on the side
    }

    [SkippableFact]
    public async Task TwoBotsStartingTogetherOnOneEmptyDatabaseBothStart()
    {
        var database = await server.CreateDatabaseAsync();
        var other = Directory.CreateTempSubdirectory("incidentbot-pg-start-").FullName;
        try
        {
            var starting = new[] { BotProcess.StartAsync(_data, Postgres(database)), BotProcess.StartAsync(other, Postgres(database)) };
            await Task.WhenAll(starting);
            await using var first = await starting[0];
            await using var second = await starting[1];

            Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/readyz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/readyz")).StatusCode);
            // Each script ran once: one bot applied them under the advisory lock, the other found nothing left to do.
            Assert.Equal(PostgresMigrations.Scripts, await AppliedScriptsAsync(database));
            Assert.Single(new[] { first.Output, second.Output }, output => output.Contains("schema script(s):", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static Dictionary<string, string> Postgres(string connectionString) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:IncidentBot"] = connectionString,
    };

    private async Task<(int ExitCode, string Output)> RefusedAsync(string connectionString)
    {
        using var process = Process.Start(BotProcess.StartInfo(_data, "http://127.0.0.1:0", Postgres(connectionString)))!;
        return await BotProcess.RunToExitAsync(process, "The bot started on a PostgreSQL server it cannot use.");
    }

    private static void AssertOneProblem(string output, string problem)
    {
        Assert.Contains("IncidentBot cannot start: 1 configuration problem(s)", output);
        Assert.Contains($"  - {problem}", output);
        Assert.DoesNotContain(WrongSecret, output);
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.DoesNotContain("Now listening", output);
    }

    private static async Task<List<string>> AppliedScriptsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand($"SELECT scriptname FROM {PostgresMigrations.JournalTable} ORDER BY schemaversionsid", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var scripts = new List<string>();
        while (await reader.ReadAsync())
        {
            scripts.Add(reader.GetString(0).Replace("IncidentBot.Storage.Postgres.Migrations.", "", StringComparison.Ordinal));
        }
        return scripts;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
