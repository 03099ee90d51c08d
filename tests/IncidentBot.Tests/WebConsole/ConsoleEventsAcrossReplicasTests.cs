using System.Net;
using System.Net.Http.Json;
using System.Text;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Postgres;
using Npgsql;

namespace IncidentBot.Tests.WebConsole;

/// <summary>
/// The console's event stream on two bots sharing one PostgreSQL database: what is said in a room through one reaches
/// the other's stream in full (read from the store, the notification carries only ids), and a stream whose replica
/// lost its listening connection is told to refetch (<c>resync</c>) once it listens again.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class ConsoleEventsAcrossReplicasTests(PostgresServer server)
{
    [SkippableFact]
    public async Task ARoomMessageSaidThroughOneReplicaReachesTheOthersStreamInFull()
    {
        var settings = await SettingsAsync();
        await using var a = new IncidentBotApplication(settings);
        await using var b = new IncidentBotApplication(settings);
        var number = (await a.CommandAsync(null, "alice", "declare Payments are failing")).IncidentNumber!.Value;
        await using var stream = await OpenStreamAsync(b.CreateClient());

        const string Said = "rolling back <b>deploy</b> 42 \"now\"";
        (await a.CreateClient().PostAsJsonAsync($"/api/incidents/{number}/room", new { user = "alice", text = Said })).EnsureSuccessStatusCode();

        var room = await stream.ReadUntilAsync(line => line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"author\":\"alice\"", StringComparison.Ordinal));
        using var update = System.Text.Json.JsonDocument.Parse(room["data:".Length..]);
        Assert.Equal(number, update.RootElement.GetProperty("incidentNumber").GetInt32());
        Assert.Equal(Said, update.RootElement.GetProperty("message").GetProperty("text").GetString());
    }

    [SkippableFact]
    public async Task AStreamIsToldToRefetchOnceItsReplicaListensAgain()
    {
        var settings = await SettingsAsync();
        await using var b = new IncidentBotApplication(settings);
        await using var stream = await OpenStreamAsync(b.CreateClient());

        await Sql.ScalarAsync<long>(server.AdminConnectionString,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND application_name = @name",
            ("database", new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:IncidentBot"]).Database!), ("name", PostgresChangeFeed.ListenerApplicationName));

        Assert.Equal("event: resync", await stream.ReadUntilAsync(line => line.StartsWith("event: ", StringComparison.Ordinal) && line != "event: incident"));
    }

    private async Task<Dictionary<string, string?>> SettingsAsync() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:IncidentBot"] = await server.CreateDatabaseAsync(),
    };

    private static async Task<EventStream> OpenStreamAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
        await stream.ReadUntilAsync(line => line == "event: hello");
        return stream;
    }

    private sealed class EventStream(HttpResponseMessage response, StreamReader reader) : IAsyncDisposable
    {
        public async Task<string> ReadUntilAsync(Func<string, bool> wanted)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (wanted(line))
                {
                    return line;
                }
            }
            throw new EndOfStreamException("the event stream ended before the line awaited");
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
