using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Alerts.Sources;
using IncidentBot.Inbound;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IncidentBot.Webhooks;

/// <summary><c>POST /webhooks/{source}</c>: verify, read, normalise, store, and only then answer 202.</summary>
internal static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        WarnAboutOpenSources(endpoints.ServiceProvider);
        var group = endpoints.MapGroup("/webhooks").WithTags("Webhooks");
        group.MapPost("/{source}", ReceiveAsync).WithName("ReceiveWebhook").WithSummary("Accepts alerts from an alerting system.");
        return group;
    }

    /// <summary>The answer to a sender: how many alerts were stored.</summary>
    public sealed record AcceptedAlerts(string Source, int Accepted);

    private static async Task<Results<Accepted<AcceptedAlerts>, Ok<SnsHandshake.Confirmed>, ProblemHttpResult, ValidationProblem>> ReceiveAsync(
        string source,
        HttpRequest request,
        IEnumerable<IAlertNormalizer> normalizers,
        IEnumerable<IWebhookSignatureVerifier> verifiers,
        WebhookAuthenticator authenticator,
        AlertInbox inbox,
        IOptionsMonitor<WebhookOptions> options,
        IOptionsMonitor<InputLimits> limits,
        ILogger<AlertInbox> logger,
        CancellationToken cancellationToken)
    {
        var normalizer = normalizers.FirstOrDefault(n => string.Equals(n.Source, source, StringComparison.OrdinalIgnoreCase));
        if (normalizer is null)
        {
            var known = string.Join(", ", normalizers.Select(n => n.Source));
            return TypedResults.Problem($"There is no alert source '{source}'. Known sources: {known}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown alert source");
        }
        var credentials = options.CurrentValue.For(normalizer.Source);
        var verifier = verifiers.FirstOrDefault(v => v.Source == normalizer.Source && (v.AlwaysSigned || !string.IsNullOrEmpty(credentials.SigningSecret)));
        if (authenticator.Check(normalizer.Source, request, signed: verifier is not null) is { } refusal)
        {
            logger.LogWarning("Webhook for {Source} from {Remote} refused: {Reason}", normalizer.Source, request.HttpContext.Connection.RemoteIpAddress, refusal);
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");
        }

        var maxBytes = options.CurrentValue.MaxBodyBytes;
        var body = await BoundedBodyReader.ReadAsync(request.Body, request.ContentLength, maxBytes, cancellationToken);
        if (body is null)
        {
            logger.LogWarning("Webhook for {Source} refused: body larger than {Max} bytes", normalizer.Source, maxBytes);
            return TypedResults.Problem($"The body is larger than {maxBytes} bytes (Webhooks:MaxBodyBytes).", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }
        if (verifier is not null)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (await verifier.VerifyAsync(new WebhookRequest(headers, body, DateTimeOffset.UtcNow), credentials.SigningSecret, cancellationToken) is { } invalid)
            {
                logger.LogWarning("Webhook for {Source} from {Remote} refused: signature: {Reason}", normalizer.Source, request.HttpContext.Connection.RemoteIpAddress, invalid);
                return TypedResults.Problem($"The request's signature did not verify: {invalid}", statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");
            }
        }

        // Invalid UTF-8 and escaped lone surrogates are refused here, as the sender's mistake, never deep inside a
        // normaliser where a string is read.
        IReadOnlyList<Alert> alerts;
        try
        {
            using var json = StrictJson.Parse(body);
            alerts = AlertLimits.Apply(normalizer.Normalize(json.RootElement), limits.CurrentValue);
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Webhook for {Source} refused: malformed JSON: {Problem}", normalizer.Source, ex.Message);
            return TypedResults.Problem($"The body is not valid JSON: {ex.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON");
        }
        catch (AlertPayloadException ex)
        {
            logger.LogWarning("Webhook for {Source} refused: {Field}: {Problem}", normalizer.Source, ex.Field, ex.Message);
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [ex.Field] = [ex.Message] },
                detail: ex.Message,
                title: $"The {normalizer.Source} payload is not valid");
        }

        // An SNS subscription or unsubscribe confirmation is the only CloudWatch body that carries no alarm, so
        // real alarms are not parsed a second time here.
        if (normalizer.Source == "cloudwatch" && alerts.Count == 0)
        {
            switch (await SnsHandshake.HandleAsync(body, request.HttpContext.RequestServices, cancellationToken))
            {
                case Ok<SnsHandshake.Confirmed> confirmed:
                    return confirmed;
                case ProblemHttpResult refused:
                    return refused;
            }
        }

        try
        {
            await inbox.AcceptAsync(alerts, cancellationToken);
        }
        catch (InboxUnavailableException ex)
        {
            return RetryLater.Problem(request.HttpContext, $"{ex.Message} Nothing was stored; send it again.", "Alert store unavailable");
        }
        return TypedResults.Accepted((string?)null, new AcceptedAlerts(normalizer.Source, alerts.Count));
    }

    private static void WarnAboutOpenSources(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("IncidentBot.Webhooks");
        foreach (var normalizer in services.GetServices<IAlertNormalizer>())
        {
            if (!options.For(normalizer.Source).HasCredentials)
            {
                logger.LogWarning(
                    "Webhook source '{Source}' has no credentials: only callers on this machine are accepted. Set Webhooks:Sources:{Source}:BearerToken to accept others.",
                    normalizer.Source, normalizer.Source);
            }
        }
    }
}
