namespace IncidentBot.Webhooks;

/// <summary>
/// Once the bot is stopping, webhooks are answered 503 with Retry-After, so senders deliver again (to this bot
/// after its restart) instead of handing alerts to a process that is about to exit.
/// </summary>
internal sealed class StoppingFilter(IHostApplicationLifetime lifetime, ILogger<StoppingFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return await next(context);
        }
        logger.LogInformation("Webhook refused while stopping; the sender will retry");
        return RetryLater.Problem(context.HttpContext, "The bot is shutting down. Nothing was stored; send it again.", "Shutting down");
    }
}
