using System.Threading.Channels;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Alerts;

/// <summary>
/// Stores accepted alerts durably before their sender is answered. Concurrent webhooks are written together,
/// one transaction for all alerts waiting at that moment (group commit), so a storm costs one disk flush per
/// batch rather than one per alert.
/// </summary>
/// <remarks>
/// When nothing older waits in the inbox, a group commit is correlated into incidents at once and stored attached
/// to them: one write per alert instead of three (inbox insert, alert record, inbox delete) under the store's one
/// write lock, and the alert is in its incident when the sender hears 202. The inbox takes the alerts instead
/// when processing is paused, when older entries wait there (they go first, so an alert's resolve never overtakes
/// its firing), and when correlating fails (the processor retries them one by one and sets a poison alert aside).
/// "Older entries" are any replica's: the check asks the shared store, and each entry keeps its group key so that
/// processors on several replicas claim a group's entries one after another (see <see cref="IAlertInboxStore.ClaimAsync"/>).
/// </remarks>
public sealed class AlertInbox(
    IAlertInboxStore store,
    IncidentService incidents,
    AlertInboxSignal processorSignal,
    IOptions<IntakeOptions> options,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<AlertInbox> logger) : BackgroundService
{
    private const int MaxAlertsPerCommit = 5_000;

    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Whether the last batch found older entries waiting in the inbox (only the writer's loop touches it).</summary>
    private bool _olderWaited;

    /// <summary>Returns once the alerts are stored; throws when they could not be (the sender must retry).</summary>
    public async Task AcceptAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(alerts);
        if (!_pending.Writer.TryWrite(write))
        {
            throw new InboxUnavailableException("IncidentBot is shutting down.");
        }
        // Deliberately not cancelled with the request: once queued, the write happens whether or not the sender waits.
        await write.Stored.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _pending.Reader;
        var batch = new List<PendingWrite>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var count = 0;
            while (count < MaxAlertsPerCommit && reader.TryRead(out var write))
            {
                batch.Add(write);
                count += write.Alerts.Count;
            }
            if (await CorrelateOrSayWhyNotAsync(batch) is { } queuedBecause)
            {
                await WriteAsync(batch, queuedBecause);
            }
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Writes already queued are finished before the process stops; new ones are refused.
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Returns null when the alerts are stored in their incidents, else why they go to the inbox.</summary>
    private async Task<string?> CorrelateOrSayWhyNotAsync(List<PendingWrite> batch)
    {
        try
        {
            if (options.Value.PauseProcessing)
            {
                return QueuedBecause.Paused;
            }
            var alerts = batch.SelectMany(w => w.Alerts).ToList();
            if (_olderWaited)
            {
                // While a backlog drains, ask first rather than correlate batches that will be queued anyway.
                _olderWaited = await store.HasPendingAsync();
                if (_olderWaited)
                {
                    return QueuedBecause.BehindOlder;
                }
                await incidents.CorrelateAsync(alerts);
            }
            else
            {
                // Usually nothing waits: the inbox is asked while the batch is read, and the answer awaited before the commit.
                var olderWait = store.HasPendingAsync().AsTask();
                try
                {
                    await incidents.CorrelateAsync(alerts, async () => !await olderWait);
                }
                catch (OlderAlertsWaitException)
                {
                    _olderWaited = true;
                    return QueuedBecause.BehindOlder;
                }
                finally
                {
                    // A failed check the correlation never got to is still observed (its failure is the correlation's).
                    _ = olderWait.ContinueWith(static check => check.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                }
            }
        }
        catch (Exception ex)
        {
            // Nothing of the commit was stored; the inbox gets the alerts and the processor finds the bad one.
            logger.LogWarning(ex, "Could not correlate {Count} accepted alerts on arrival; keeping them in the inbox", batch.Sum(w => w.Alerts.Count));
            return QueuedBecause.CorrelationFailed;
        }
        batch.ForEach(w => w.Stored.TrySetResult());
        return null;
    }

    private async Task WriteAsync(List<PendingWrite> batch, string queuedBecause)
    {
        var now = time.GetUtcNow();
        var entries = batch.SelectMany(w => w.Alerts).Select(a => new InboxEntry { Alert = a, ReceivedAt = now, GroupKey = incidents.Options.GroupKeyFor(a) }).ToList();
        try
        {
            await store.AppendAsync(entries);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not store {Count} accepted alerts; their senders are told to retry", entries.Count);
            var failure = new InboxUnavailableException("The alert store cannot be written right now.", ex);
            batch.ForEach(w => w.Stored.TrySetException(failure));
            return;
        }
        batch.ForEach(w => w.Stored.TrySetResult());
        metrics.AlertsQueued(queuedBecause, entries.Count);
        processorSignal.Notify();
    }

    /// <summary>The <c>reason</c> label of <c>incidentbot_alerts_queued_total</c>.</summary>
    private static class QueuedBecause
    {
        public const string Paused = "paused";
        public const string BehindOlder = "behind_older";
        public const string CorrelationFailed = "correlation_failed";
    }

    private sealed record PendingWrite(IReadOnlyList<Alert> Alerts)
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Older alerts wait in the inbox: a batch correlated on arrival is stored behind them instead.</summary>
public sealed class OlderAlertsWaitException() : Exception("Older alerts wait in the inbox; these are queued behind them.");

/// <summary>The inbox cannot take alerts now (storage failing, or shutting down); senders should retry.</summary>
public sealed class InboxUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
