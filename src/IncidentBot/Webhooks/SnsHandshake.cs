using System.Text.Json;
using IncidentBot.Alerts.Sources;
using IncidentBot.Inbound;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Webhooks;

/// <summary>
/// SNS sends a signed SubscriptionConfirmation before any alarm; confirming it (only for configured topics) is
/// what makes SNS deliver. Unsubscribe confirmations are acknowledged and logged.
/// </summary>
internal static class SnsHandshake
{
    /// <summary>What the bot answers SNS after a confirmation.</summary>
    public sealed record Confirmed(string Result);

    /// <summary>Null when the body is an alarm notification (handled as alerts); otherwise the answer to SNS.</summary>
    public static async Task<IResult?> HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        using var json = StrictJson.Parse(body);
        var type = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("Type", out var t) ? t.GetString() : null;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("IncidentBot.Webhooks.Sns");
        switch (type)
        {
            case "SubscriptionConfirmation":
                try
                {
                    var result = await services.GetRequiredService<SnsSubscriptions>().ConfirmAsync(json.RootElement, cancellationToken);
                    logger.LogInformation("SNS: {Result}", result);
                    return TypedResults.Ok(new Confirmed(result));
                }
                catch (SnsRefusedException ex)
                {
                    logger.LogWarning("SNS subscription not confirmed: {Reason}", ex.Message);
                    return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status403Forbidden, title: "Subscription not confirmed");
                }
                catch (HttpRequestException ex)
                {
                    // SNS repeats the confirmation request when it gets an error, so a failing SNS is retried.
                    logger.LogWarning("SNS subscription confirmation failed: {Problem}", ex.Message);
                    return TypedResults.Problem("SNS did not accept the confirmation; it will send the request again.", statusCode: StatusCodes.Status502BadGateway, title: "Confirmation failed");
                }
            case "UnsubscribeConfirmation":
                logger.LogWarning("SNS says the topic unsubscribed this endpoint: {Topic}", json.RootElement.TryGetProperty("TopicArn", out var topic) ? topic.GetString() : "?");
                return TypedResults.Ok(new Confirmed("Unsubscribed."));
            default:
                return null;
        }
    }
}
