using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Incidents;

/// <summary>
/// Reacts to incident changes in the background, one incident at a time: observers are called inside the
/// incident's commit and must return at once, so the numbers are queued and handled here.
/// </summary>
public abstract class IncidentChangeWorker(ILogger logger, string task) : BackgroundService, IIncidentObserver
{
    private readonly Channel<int> _changed = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });

    public void IncidentsChanged(IReadOnlyCollection<int> numbers)
    {
        foreach (var number in numbers.ToArray())
        {
            _changed.Writer.TryWrite(number);
        }
    }

    /// <summary>Runs once before the first change is handled.</summary>
    protected virtual Task StartingAsync(CancellationToken stoppingToken) => Task.CompletedTask;

    protected abstract Task HandleAsync(int number, CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartWhenPossibleAsync(stoppingToken);
        await foreach (var number in _changed.Reader.ReadAllAsync(stoppingToken))
        {
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
