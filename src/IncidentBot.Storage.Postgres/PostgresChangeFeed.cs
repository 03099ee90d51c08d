using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// The change feed across replicas, on PostgreSQL's <c>LISTEN</c>/<c>NOTIFY</c> (no other broker). A change goes to
/// this replica's subscribers at once and is queued; a sender sends the queue in batches right after (one
/// <c>pg_notify</c> statement per batch, payloads of <see cref="PostgresChangePayload"/>). Each replica keeps one
/// connection of its own listening on <see cref="Channel"/>; what it hears from other replicas goes to its subscribers,
/// what it sent itself is recognised by its replica name and skipped (its subscribers already had it).
/// <para>
/// The listening connection is checked every <see cref="PingInterval"/>; when it drops it is opened again with a
/// growing pause (<see cref="ReconnectDelay"/>), each failure logged with its reason, and once it listens again the
/// subscribers get <see cref="ChangeKind.Resync"/>, since other replicas' changes in between were not heard. A batch
/// that cannot be sent is logged and the next batch that goes out starts with a resync for the other replicas.
/// </para>
/// </summary>
public sealed class PostgresChangeFeed : BackgroundService, IChangeFeed
{
    /// <summary>The notification channel every replica listens on.</summary>
    public const string Channel = "incidentbot_changes";

    /// <summary>The name the listening connection shows in <c>pg_stat_activity</c>.</summary>
    public const string ListenerApplicationName = "IncidentBot change feed";

    /// <summary>How many changes may wait to be sent; beyond it the oldest are dropped and the other replicas resync.</summary>
    internal const int QueueCapacity = 10_000;

    private const int BatchSize = 1_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresChangeFeed> _logger;
    private readonly InProcessChangeFeed _local = new();
    private readonly Channel<Change> _outgoing;
    private volatile bool _othersMissedChanges;

    public PostgresChangeFeed(NpgsqlDataSource dataSource, ILogger<PostgresChangeFeed> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        _outgoing = System.Threading.Channels.Channel.CreateBounded<Change>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => _othersMissedChanges = true);
    }

    /// <summary>This replica's name in the payloads it sends.</summary>
    public string Origin { get; } = PostgresChangePayload.NewOrigin();

    /// <summary>True while the listening connection is open and listening.</summary>
    public bool IsListening { get; private set; }

    /// <summary>How often an idle listening connection is checked, so a connection that died silently is noticed.</summary>
    internal TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The pause before opening the listening connection again after its <paramref name="failures"/>th failure in a row: 0.5 s doubling up to 30 s.</summary>
    internal static TimeSpan ReconnectDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Clamp(failures - 1, 0, 10))));

    public void Publish(Change change)
    {
        if (!change.IsValid)
        {
            _logger.LogError("Refused to publish an invalid change: {Kind} {IncidentNumber} {MessageId}", change.Kind, change.IncidentNumber, change.MessageId);
            return;
        }
        _local.Deliver(change);
        _outgoing.Writer.TryWrite(change);
    }

    public IDisposable Subscribe(Action<Change> onChange) => _local.Subscribe(onChange);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Not from the pool: LISTEN lasts as long as the session, which ends with this connection.
                await using var connection = await PostgresStorageExtensions.OpenUnpooledAsync(_dataSource, ListenerApplicationName, stoppingToken);
                connection.Notification += (_, notification) => Heard(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                IsListening = true;
                if (failures > 0)
                {
                    _logger.LogInformation("The change feed listens again after {Failures} failed attempt(s); live views refetch what they show", failures);
                    _local.Deliver(Change.Resync);
                }
                failures = 0;
                while (true)
                {
                    if (!await connection.WaitAsync(PingInterval, stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 10 };
                        await ping.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                IsListening = false;
                failures++;
                var pause = ReconnectDelay(failures);
                _logger.LogWarning(ex, "The change feed's listening connection is down ({Reason}): changes made through other replicas do not reach this replica's live views until it is back; trying again in {DelaySeconds} s",
                    ex.Message, pause.TotalSeconds);
                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        IsListening = false;
    }

    /// <summary>One notification from the channel: another replica's changes for this replica's subscribers.</summary>
    internal void Heard(string payload)
    {
        if (!PostgresChangePayload.TryDecode(payload, out var origin, out var changes, out var problem))
        {
            _logger.LogWarning("Ignored a notification on the change feed: {Problem} ({Length} characters)", problem, payload.Length);
            return;
        }
        if (origin == Origin)
        {
            return;
        }
        foreach (var change in changes)
        {
            _local.Deliver(change);
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Change>(BatchSize);
        var inBatch = new HashSet<Change>();
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                inBatch.Clear();
                if (_othersMissedChanges)
                {
                    _othersMissedChanges = false;
                    batch.Add(Change.Resync);
                }
                while (batch.Count < BatchSize && _outgoing.Reader.TryRead(out var change))
                {
                    // A storm changes one incident many times: the other replicas need to hear it once per batch.
                    if (inBatch.Add(change))
                    {
                        batch.Add(change);
                    }
                }
                try
                {
                    await using var notify = _dataSource.CreateCommand($"SELECT pg_notify('{Channel}', payload) FROM unnest(@payloads) WITH ORDINALITY AS p(payload, n) ORDER BY n");
                    notify.Parameters.AddWithValue("payloads", PostgresChangePayload.Encode(Origin, batch).ToArray());
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The other replicas refetch once the next batch gets through.
                    _othersMissedChanges = true;
                    _logger.LogWarning(ex, "Could not tell the other replicas about {Count} change(s) ({Reason}); they are told to refetch once the feed gets through", batch.Count, ex.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
