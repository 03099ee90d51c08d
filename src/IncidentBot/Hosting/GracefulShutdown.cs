using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;

namespace IncidentBot.Hosting;

/// <summary>
/// The last step of a graceful stop (SIGTERM): by the time it runs, the server has stopped taking requests and
/// finished those in flight, and the inbox has written every pending alert. It then opens incidents for what is
/// still in the inbox and delivers what is due in the outbox, within the host's shutdown timeout
/// (<c>shutdownTimeoutSeconds</c>); anything left stays stored for the next start.
/// </summary>
/// <remarks>Registered before the background loops, so it is stopped after them (hosts stop in reverse order).</remarks>
internal sealed class GracefulShutdown(IServiceProvider services, ILogger<GracefulShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var alertsLeft = await services.GetRequiredService<AlertProcessor>().DrainAsync(cancellationToken);
            var messagesLeft = await services.GetRequiredService<OutboxDispatcher>().DrainAsync(cancellationToken);
            if (alertsLeft + messagesLeft > 0)
            {
                logger.LogWarning("Stopped with {Alerts} alert(s) and {Messages} chat message(s) kept for the next start", alertsLeft, messagesLeft);
            }
            else
            {
                logger.LogInformation("Stopped with every stored alert processed and every due chat message delivered");
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The shutdown timeout ran out; what was not finished is stored and resumes at the next start");
        }
    }
}
