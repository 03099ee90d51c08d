using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using IncidentBot.Telemetry;

namespace IncidentBot.Chat.Outbox;

/// <summary>
/// Delivers queued chat work to the platforms: conversations in parallel, each conversation strictly in order,
/// transient failures retried with growing waits (or the platform's <c>Retry-After</c>), refusals recorded.
/// </summary>
public sealed class OutboxDispatcher(
    IOutboxStore outbox,
    IIncidentStore incidents,
    IncidentService service,
    ChatPlatforms platforms,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    // Unique to this dispatcher, even beside another in the same process: the store tells holders apart by it.
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/outbox/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await outbox.ClaimDueAsync(_owner, time.GetUtcNow(), Lease, max: 500, stoppingToken);
                if (due.Count > 0)
                {
                    await DeliverAsync(due, stoppingToken);
                    continue;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The outbox could not be read; trying again shortly");
            }
            await signal.WaitAsync(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// At shutdown, after this loop has ended: delivers what is due until nothing is or time runs out. What
    /// cannot be delivered stays stored for the next start. Returns how many messages are left.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && await outbox.ClaimDueAsync(_owner, time.GetUtcNow(), Lease, max: 500, cancellationToken) is { Count: > 0 } due)
        {
            await DeliverAsync(due, cancellationToken);
        }
        return await outbox.PendingCountAsync(CancellationToken.None);
    }

    private Task DeliverAsync(IReadOnlyList<OutboxItem> due, CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            due.GroupBy(i => i.ConversationKey),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Parallelism), CancellationToken = stoppingToken },
            async (conversation, ct) =>
            {
                foreach (var item in conversation)
                {
                    if (!await DeliverOneAsync(item, ct))
                    {
                        break; // keep the order: nothing after a waiting item goes first
                    }
                }
            });

    /// <summary>Returns false when the item must be retried later, which holds back the rest of its conversation.</summary>
    private async Task<bool> DeliverOneAsync(OutboxItem item, CancellationToken ct)
    {
        using var activity = BotActivity.StartForIncident("outbox.deliver", item.IncidentNumber);
        activity?.SetTag("chat.platform", item.Platform);
        using var scope = logger.IncidentScope(item.IncidentNumber);
        if (item.TakenOverFrom is { } previous)
        {
            // Its holder's claim ran out before it recorded an outcome: it may have sent this already (see
            // docs/high-availability.md, "The inbox and the outbox").
            metrics.OutboxRedelivery(item.Platform);
            logger.LogWarning("Outbox item {Id} ({Platform}, INC-{Incident}) is taken over from {Holder}, whose claim ran out; the chat may see it twice", item.Id, item.Platform, item.IncidentNumber, previous);
        }
        try
        {
            await SendAsync(item, ct);
            // What happened is recorded even when stopping: a delivered message must not be sent again.
            await outbox.MarkDeliveredAsync(item.Id, time.GetUtcNow(), CancellationToken.None);
            return true;
        }
        catch (ChatDeliveryException ex) when (ex.Permanent)
        {
            logger.LogWarning("{Platform} refused outbox item {Id} for INC-{Incident}: {Problem}", item.Platform, item.Id, item.IncidentNumber, ex.Message);
            await outbox.MarkFailedAsync(item.Id, time.GetUtcNow(), ex.Message, CancellationToken.None);
            if (item.IncidentNumber is { } number)
            {
                await service.RecordChatFailureAsync(number, item.Platform, ex.Message, ct);
            }
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var wait = ex is ChatDeliveryException { RetryAfter: { } retryAfter } ? retryAfter : options.Value.RetryDelay(item.Attempts + 1);
            logger.LogWarning("Delivery to {Platform} failed (attempt {Attempt}), retrying in {Wait}: {Problem}", item.Platform, item.Attempts + 1, wait, ex.Message);
            await outbox.RescheduleAsync(item.Id, time.GetUtcNow() + wait, ex.Message, CancellationToken.None);
            return false;
        }
    }

    private async Task SendAsync(OutboxItem item, CancellationToken ct)
    {
        var incident = item.IncidentNumber is { } number ? await incidents.FindAsync(number, ct) : null;
        if (incident is null)
        {
            throw new ChatDeliveryException($"incident INC-{item.IncidentNumber} no longer exists", permanent: true);
        }
        switch (item.Kind)
        {
            case OutboxItemKind.OpenChannel:
                var provisioner = platforms.ProvisionerFor(item.Platform)
                    ?? throw new ChatDeliveryException($"the {item.Platform} platform is not switched on", permanent: true);
                var channel = await provisioner.OpenChannelAsync(incident, ct);
                await service.BindChannelAsync(incident.Number, channel, ct);
                break;
            case OutboxItemKind.Post:
                var sender = platforms.SenderFor(item.Platform)
                    ?? throw new ChatDeliveryException($"the {item.Platform} platform is not switched on", permanent: true);
                var binding = incident.Channels.FirstOrDefault(c => c.Platform == item.Platform)
                    ?? throw new ChatDeliveryException($"{incident.Reference} has no {item.Platform} channel", permanent: true);
                await sender.SendAsync(binding, ChatMessage.FromJson(item.MessageJson!), ct);
                break;
        }
    }
}
