using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Incidents;

/// <summary>
/// Reacts to incident changes in the background, one incident at a time: observers are called inside the
/// incident's commit and must return at once, so the numbers are queued and handled here.
/// </summary>
/// <remarks>
/// Only changes the worker <see cref="Concerns"/> itself with are queued, judged from the incident as it was stored,
/// so an alert storm's thousands of attachments cost no reads. A number waiting in the queue is not queued again:
/// the handler reads the incident as it is when its turn comes, so one read covers every change made meanwhile; a
/// change made while its incident is being handled queues it again.
/// </remarks>
public abstract class IncidentChangeWorker(ILogger logger, string task) : BackgroundService, IIncidentObserver
{
    private readonly Channel<int> _changed = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<int> _waiting = [];

    public void IncidentsChanged(IReadOnlyCollection<Incident> changed)
    {
        lock (_waiting)
        {
            foreach (var incident in changed)
            {
                if (Concerns(incident) && _waiting.Add(incident.Number))
                {
                    _changed.Writer.TryWrite(incident.Number);
                }
            }
        }
    }

    /// <summary>
    /// Whether this stored state of an incident may need handling; called inside the commit's notification, so it
    /// must be quick and must not throw. Everything, unless a worker says otherwise.
    /// </summary>
    protected virtual bool Concerns(Incident stored) => true;

    /// <summary>Runs once before the first change is handled.</summary>
    protected virtual Task StartingAsync(CancellationToken stoppingToken) => Task.CompletedTask;

    protected abstract Task HandleAsync(int number, CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartWhenPossibleAsync(stoppingToken);
        await foreach (var number in _changed.Reader.ReadAllAsync(stoppingToken))
        {
            lock (_waiting)
            {
                _waiting.Remove(number);
            }
            using var scope = logger.IncidentScope(number);
            try
            {
                await HandleAsync(number, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Could not {Task} of INC-{Incident}", task, number);
            }
        }
    }

    /// <summary>
    /// A store that cannot be read at start-up (PostgreSQL restarting, a full disk) must not stop the bot: the
    /// start-up work is tried again, waiting longer each time, and changes meanwhile wait their turn in the queue.
    /// </summary>
    private async Task StartWhenPossibleAsync(CancellationToken stoppingToken)
    {
        for (var wait = TimeSpan.FromSeconds(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxStartRetryWait.Ticks)))
        {
            try
            {
                await StartingAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Could not {Task} at start-up; trying again in {Wait}", task, wait);
            }
            await Task.Delay(wait, stoppingToken);
        }
    }

    private static readonly TimeSpan MaxStartRetryWait = TimeSpan.FromSeconds(30);
}
