using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Storage;

/// <summary>
/// Deletes expired deduplication keys at start-up and every <see cref="Interval"/>, so remembering deliveries
/// costs a bounded amount of storage. A failed pass is logged and tried again at the next one.
/// </summary>
public sealed class DeduplicationPruner(IDeduplicationStore store, TimeProvider time, ILogger<DeduplicationPruner> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await PruneAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task PruneAsync(CancellationToken stoppingToken)
    {
        try
        {
            var pruned = await store.PruneExpiredAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            if (pruned > 0)
            {
                logger.LogDebug("Forgot {Count} expired deduplication keys", pruned);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not prune expired deduplication keys; trying again in {Interval}", Interval);
        }
    }
}
