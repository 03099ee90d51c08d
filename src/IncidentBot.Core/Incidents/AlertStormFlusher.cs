using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Incidents;

/// <summary>
/// Once a second, posts the summaries of later alerts that waited for their incident's interval
/// (<see cref="AlertStormSummaries"/>), so the end of a storm is summarised even when no further alert comes.
/// A failure is logged and tried again the next second; it never stops the loop.
/// </summary>
public sealed class AlertStormFlusher(AlertStormSummaries summaries, IncidentService incidents, TimeProvider time, ILogger<AlertStormFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var number in summaries.Due(time.GetUtcNow()))
            {
                try
                {
                    await incidents.PostWaitingAlertSummaryAsync(number, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "The summary of INC-{Incident}'s later alerts could not be posted; trying again in a second", number);
                }
            }
        }
    }
}
