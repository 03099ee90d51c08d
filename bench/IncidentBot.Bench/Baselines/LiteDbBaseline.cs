using System.Diagnostics;
using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Bench.Load;
using IncidentBot.Storage.LiteDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace IncidentBot.Bench.Baselines;

/// <summary>
/// The durable store's limit: the storm's alerts, normalised by the bot's own normalisers beforehand, appended
/// to a fresh file through the bot's own <see cref="LiteDbStorage"/> (so with exactly its durability) in
/// batches, with nothing else running. Only the appends are timed.
/// </summary>
public static class LiteDbBaseline
{
    public static LiteDbBaselineResult Run(IReadOnlyList<StormRequest> requests, int batchSize, string folder)
    {
        var alerts = Normalise(requests);
        var now = DateTimeOffset.UtcNow;
        using var storage = new LiteDbStorage(Path.Combine(folder, "baseline.db"), NullLogger<LiteDbStorage>.Instance);
        var clock = Stopwatch.StartNew();
        foreach (var batch in alerts.Chunk(batchSize))
        {
            storage.Append(batch.Select(a => new InboxEntry { Alert = a, ReceivedAt = now }).ToList());
        }
        return new LiteDbBaselineResult(alerts.Count, batchSize, clock.Elapsed);
    }

    private static List<Alert> Normalise(IReadOnlyList<StormRequest> requests)
    {
        var normalisers = new Dictionary<string, IAlertNormalizer>
        {
            [StormPayloads.AlertmanagerPath] = new AlertmanagerNormalizer(),
            [StormPayloads.GenericPath] = new GenericNormalizer(),
        };
        return requests.SelectMany(r =>
        {
            using var json = JsonDocument.Parse(r.Body);
            return normalisers[r.Path].Normalize(json.RootElement);
        }).ToList();
    }
}

/// <summary>How fast the durable store took the storm's alerts.</summary>
public sealed record LiteDbBaselineResult(int Alerts, int BatchSize, TimeSpan Elapsed)
{
    public double AlertsPerSecond => Alerts / Elapsed.TotalSeconds;
}
