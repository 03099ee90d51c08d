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
    public static StoreBaselineResult Run(IReadOnlyList<StormRequest> requests, int batchSize, string folder)
    {
        var alerts = Normalise(requests);
        // Warmed up like the other two (JIT, LiteDB's code paths, the file system): a cold first run was 10-30 %
        // slower and flattered the bot's ratio.
        Append(alerts.Take(10 * batchSize).Chunk(batchSize).ToList(), "warm-up", Path.Combine(folder, "baseline-warm-up.db"));
        return Append(alerts.Chunk(batchSize).ToList(), $"{batchSize:N0} per batch", Path.Combine(folder, "baseline.db"));
    }

    /// <summary>
    /// Context, not a target: the same appends in the batches the bot's group commits can hold at most, the
    /// alerts of one webhook per connection (about 180 alerts in this storm instead of 1,000).
    /// </summary>
    public static StoreBaselineResult RunInWebhookBatches(IReadOnlyList<StormRequest> requests, int webhooksPerBatch, string folder)
    {
        var batches = requests.Chunk(webhooksPerBatch).Select(Normalise).Select(b => b.ToArray()).ToList();
        return Append(batches, $"{webhooksPerBatch} webhooks per batch", Path.Combine(folder, "baseline-webhooks.db"));
    }

    private static StoreBaselineResult Append(IReadOnlyList<Alert[]> batches, string batching, string file)
    {
        var now = DateTimeOffset.UtcNow;
        using var storage = new LiteDbStorage(file, NullLogger<LiteDbStorage>.Instance);
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            storage.Append(batch.Select(a => new InboxEntry { Alert = a, ReceivedAt = now }).ToList());
        }
        return new StoreBaselineResult("LiteDB", batches.Sum(b => b.Length), batching, clock.Elapsed);
    }

    /// <summary>The storm's alerts as the bot's own normalisers make them.</summary>
    public static List<Alert> Normalise(IReadOnlyList<StormRequest> requests)
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

/// <summary>How fast a durable store (LiteDB or PostgreSQL) took the storm's alerts.</summary>
public sealed record StoreBaselineResult(string Store, int Alerts, string Batching, TimeSpan Elapsed, TimeSpan? ServerCpu = null)
{
    public double AlertsPerSecond => Alerts / Elapsed.TotalSeconds;
}
