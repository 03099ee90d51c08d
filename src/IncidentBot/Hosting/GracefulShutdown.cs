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
internal sealed class GracefulShutdown(AlertProcessor processor, OutboxDispatcher outbox, ILogger<GracefulShutdown> logger) : IHostedService
{
    private int _stopped;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may be told to stop twice (a test host and its entry point both do); the work is done once.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        try
        {
            var alertsLeft = await processor.DrainAsync(cancellationToken);
            var messagesLeft = await outbox.DrainAsync(cancellationToken);
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
        catch (Exception ex)
        {
            // Everything acknowledged is already stored; finishing early only moves work to the next start.
            logger.LogWarning(ex, "Could not finish the inbox and outbox while stopping; they resume at the next start");
        }
    }
}
