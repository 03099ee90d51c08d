using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Alerts;

/// <summary>
/// Drains the inbox into incidents. Entries are claimed with a lease, so a crash (or, later, another replica)
/// never loses or double-processes them: an entry leaves the inbox in the same commit that applies it.
/// </summary>
public sealed class AlertProcessor(
    IAlertInboxStore inbox,
    IncidentService incidents,
    AlertInboxSignal signal,
    IOptions<IntakeOptions> options,
    TimeProvider time,
    ILogger<AlertProcessor> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    // Unique to this processor, even beside another in the same process: a claim store tells holders apart by it.
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/alerts/{Guid.NewGuid():N}";

    /// <summary>When the loop last went round; readiness fails when it stops moving.</summary>
    public DateTimeOffset? LastHeartbeat { get; private set; }

    public bool Paused => options.Value.PauseProcessing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Paused)
        {
            logger.LogWarning("Alert processing is paused (Intake:PauseProcessing): alerts are stored but no incident opens");
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            LastHeartbeat = time.GetUtcNow();
            var claimed = await TryClaimAsync();
            if (claimed.Count > 0)
            {
                // A claimed batch is finished even when stopping: it is one short commit, and abandoning it would
                // leave its alerts leased, out of reach of the shutdown drain until the next start.
                await ProcessAsync(claimed, CancellationToken.None);
                continue;
            }
            await signal.WaitAsync(PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// At shutdown, once intake has stopped and this loop has ended: turns what is left in the inbox into
    /// incidents until it is empty or time runs out. Returns how many alerts are left for the next start.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        while (!Paused && !cancellationToken.IsCancellationRequested && await TryClaimAsync() is { Count: > 0 } claimed)
        {
            await ProcessAsync(claimed, cancellationToken);
        }
        return await inbox.PendingCountAsync(CancellationToken.None);
    }

    private async Task<IReadOnlyList<InboxEntry>> TryClaimAsync()
    {
        try
        {
            return await inbox.ClaimAsync(_owner, Math.Max(1, options.Value.BatchSize), time.GetUtcNow(), Lease);
        }
        catch (StorageUnavailableException ex)
        {
            logger.LogWarning("The alert inbox could not be read, the store is unavailable ({Reason}); trying again shortly", ex.Message);
            return [];
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The alert inbox could not be read; trying again shortly");
            return [];
        }
    }

    private async Task ProcessAsync(IReadOnlyList<InboxEntry> claimed, CancellationToken stoppingToken)
    {
        try
        {
            await incidents.IngestAsync(claimed, stoppingToken);
            return;
        }
        catch (StorageUnavailableException ex)
        {
            // Not the alerts' fault: none of them is counted as failed or set aside. They stay leased to this loop
            // and are claimed again when the lease ends, by when the store may be back.
            logger.LogWarning("The store is unavailable ({Reason}); {Count} claimed alerts are retried when their lease ends", ex.Message, claimed.Count);
            return;
        }
        catch (Exception ex) when (claimed.Count > 1 && !stoppingToken.IsCancellationRequested)
        {
            // One bad alert must not hold back the others: retry them one by one to find it.
            logger.LogWarning(ex, "A batch of {Count} alerts failed; processing them one at a time", claimed.Count);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            await RecordFailureAsync(claimed[0], ex);
            return;
        }
        foreach (var entry in claimed)
        {
            try
            {
                await incidents.IngestAsync([entry], stoppingToken);
            }
            catch (StorageUnavailableException ex)
            {
                logger.LogWarning("The store is unavailable ({Reason}); alert {Source}/{Fingerprint} (inbox {Id}) is retried when its lease ends", ex.Message, entry.Alert.Source, entry.Alert.Fingerprint, entry.Id);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                await RecordFailureAsync(entry, ex);
            }
        }
    }

    private async Task RecordFailureAsync(InboxEntry entry, Exception ex)
    {
        var deadLetter = entry.Attempts >= options.Value.MaxAttempts;
        logger.LogError(ex, "Alert {Source}/{Fingerprint} (inbox {Id}) failed on attempt {Attempt}{DeadLetter}",
            entry.Alert.Source, entry.Alert.Fingerprint, entry.Id, entry.Attempts, deadLetter ? "; set aside for an operator" : "; it will be retried");
        try
        {
            await inbox.RecordFailureAsync(entry.Id, ex.Message, deadLetter);
        }
        catch (Exception storeError)
        {
            logger.LogError(storeError, "Could not record the failure of inbox entry {Id}; its lease will expire and it will be retried", entry.Id);
        }
    }
}
