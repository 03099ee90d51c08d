using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using IncidentBot.Inbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// <c>/slack/events</c>, <c>/slack/commands</c>, <c>/slack/interactions</c>: every request is verified against the
/// signing secret before anything is parsed, answered at once, and handled in the background.
/// </summary>
public static class SlackEndpoints
{
    private const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value.Enabled)
        {
            return endpoints;
        }
        var group = endpoints.MapGroup("/slack").WithTags("Slack").ExcludeFromDescription();
        group.MapPost("/events", EventsAsync);
        group.MapPost("/commands", CommandsAsync);
        group.MapPost("/interactions", InteractionsAsync);
        return endpoints;
    }

    private static async Task<IResult> EventsAsync(HttpRequest request, SlackSignatureVerifier verifier, SlackInbound inbound, SlackWorkQueue work, ILogger<SlackInbound> logger)
    {
        var (body, refusal) = await ReadVerifiedAsync(request, verifier, logger);
        if (refusal is not null)
        {
            return refusal;
        }
        JsonObject callback;
        try
        {
            callback = StrictJson.ParseNode(body) as JsonObject ?? throw new JsonException("The event is not a JSON object.");
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Refused a Slack event: {Problem}", ex.Message);
            return Results.Problem($"The event is not valid JSON: {ex.Message}", statusCode: 400, title: "Malformed Slack event");
        }
        switch (callback["type"].Text())
        {
            case "url_verification":
                return Results.Json(new { challenge = callback["challenge"].Text() });
            case "event_callback":
                work.Enqueue("event", ct => inbound.HandleEventAsync(callback, ct));
                return Results.Ok();
            case "app_rate_limited":
                logger.LogWarning("Slack is dropping events for this app: more than 30,000 in an hour (minute {Minute})", callback["minute_rate_limited"]);
                return Results.Ok();
            default:
                return Results.Ok();
        }
    }

    private static async Task<IResult> CommandsAsync(HttpRequest request, SlackSignatureVerifier verifier, SlackInbound inbound, SlackWorkQueue work, ILogger<SlackInbound> logger)
    {
        var (body, refusal) = await ReadVerifiedAsync(request, verifier, logger);
        if (refusal is not null)
        {
            return refusal;
        }
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).ToDictionary(f => f.Key, f => f.Value.ToString());
        work.Enqueue("slash command", ct => inbound.HandleSlashCommandAsync(form, ct));
        return Results.Ok();
    }

    private static async Task<IResult> InteractionsAsync(HttpRequest request, SlackSignatureVerifier verifier, SlackInbound inbound, SlackWorkQueue work, ILogger<SlackInbound> logger)
    {
        var (body, refusal) = await ReadVerifiedAsync(request, verifier, logger);
        if (refusal is not null)
        {
            return refusal;
        }
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        JsonObject? payload;
        try
        {
            payload = form.TryGetValue("payload", out var field) ? StrictJson.ParseNode(field.ToString()) as JsonObject : null;
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Refused a Slack interaction: its payload is not valid JSON: {Problem}", ex.Message);
            return Results.Problem($"The interaction's 'payload' field is not valid JSON: {ex.Message}", statusCode: 400, title: "Malformed Slack interaction");
        }
        if (payload is null)
        {
            return Results.Problem("The interaction has no JSON 'payload' field.", statusCode: 400, title: "Malformed Slack interaction");
        }
        work.Enqueue("interaction", ct => inbound.HandleInteractionAsync(payload, ct));
        return Results.Ok();
    }

    /// <summary>The raw body (the signature covers the exact bytes), or the answer refusing the request.</summary>
    private static async Task<(byte[] Body, IResult? Refusal)> ReadVerifiedAsync(HttpRequest request, SlackSignatureVerifier verifier, ILogger logger)
    {
        if (await BoundedBodyReader.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, request.HttpContext.RequestAborted) is not { } body)
        {
            return ([], Results.Problem("The request is larger than 1 MiB.", statusCode: 413, title: "Body too large"));
        }
        var check = verifier.Verify(request.Headers["X-Slack-Request-Timestamp"], request.Headers["X-Slack-Signature"], body);
        if (check != SlackSignatureCheck.Valid)
        {
            logger.LogWarning("Refused a Slack request to {Path} from {Remote}: signature {Check}", request.Path, request.HttpContext.Connection.RemoteIpAddress, check);
            return ([], Results.Problem($"The Slack signature did not verify ({check}).", statusCode: 401, title: "Not from Slack"));
        }
        // Slack sends UTF-8; other bytes would only fail later, where a field is read, as a server error.
        if (!Utf8.IsValid(body))
        {
            logger.LogWarning("Refused a Slack request to {Path}: the body is not valid UTF-8", request.Path);
            return ([], Results.Problem("The request body is not valid UTF-8 text.", statusCode: 400, title: "Malformed Slack request"));
        }
        return (body, null);
    }
}
