using System.Text.Json;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Telemetry;

/// <summary>JSON console logs carry the incident number and the request's trace id, so one incident's lines can be found.</summary>
public sealed class JsonLogTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-logs-").FullName;

    [Fact]
    public async Task ACommandOnAnIncidentIsLoggedAsJsonWithTheIncidentNumberAndTraceId()
    {
        await using var bot = await BotProcess.StartAsync(_data, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
        });
        await bot.Client.CommandAsync(null, "alice", "declare Checkout down sev2");
        await bot.Client.CommandAsync(1, "alice", "ack");

        await Eventually.TrueAsync(() => Lines(bot).Any(IsTheAck), "the ack in the log");
        var ack = Lines(bot).First(IsTheAck);
        var scopes = ack.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("IncidentNumber", out var n) && n.GetInt32() == 1);
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var id) && id.GetString()!.Length == 32);
        Assert.Contains(scopes, s => s.TryGetProperty("RequestPath", out var path) && path.GetString() == "/api/incidents/1/commands");
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private static bool IsTheAck(JsonElement line) => line.GetProperty("Message").GetString() == "alice ran Acknowledge";

    private static List<JsonElement> Lines(BotProcess bot) =>
        [.. bot.Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];
}
