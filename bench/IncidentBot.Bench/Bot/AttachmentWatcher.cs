using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace IncidentBot.Bench.Bot;

/// <summary>
/// Polls the incident list (paging back with <c>before</c>) until every alert sent is attached to an incident,
/// and says how long that took and how many incidents it found.
/// </summary>
public sealed class AttachmentWatcher(Uri botAddress) : IDisposable
{
    private const int PageSize = 1000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _client = new() { BaseAddress = botAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Returns when all <paramref name="expectedAlerts"/> are attached, or after <paramref name="patience"/>.</summary>
    public async Task<AttachmentResult> WaitForAsync(int expectedAlerts, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        var seen = await CountAsync();
        while (seen.Alerts < expectedAlerts && clock.Elapsed < patience)
        {
            await Task.Delay(PollInterval);
            seen = await CountAsync();
        }
        return seen with { Elapsed = clock.Elapsed };
    }

    private async Task<AttachmentResult> CountAsync()
    {
        var incidents = 0;
        var alerts = 0;
        int? before = null;
        for (var page = 0; page < 1_000; page++)
        {
            var query = $"/api/incidents?status=all&limit={PageSize}" + (before is { } b ? $"&before={b}" : "");
            var listed = await _client.GetFromJsonAsync<List<ListedIncident>>(query, JsonSerializerOptions.Web) ?? [];
            incidents += listed.Count;
            alerts += listed.Sum(i => i.AlertCount);
            if (listed.Count < PageSize)
            {
                break;
            }
            before = listed[^1].Number;
        }
        return new AttachmentResult(incidents, alerts, TimeSpan.Zero);
    }

    public void Dispose() => _client.Dispose();

    private sealed record ListedIncident(int Number, int AlertCount);
}

/// <summary>Incidents and attached alerts the API showed, and how long after the last 202 that was.</summary>
public sealed record AttachmentResult(int Incidents, int Alerts, TimeSpan Elapsed);
