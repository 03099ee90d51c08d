using System.Globalization;
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
/// signing secret before anything is parsed, answered at once, and handled in the background — once: a request
/// sent again with the same signature is answered 200 and does nothing.
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

    private static async Task<IResult> EventsAsync([AsParameters] SlackRequest slack)
    {
        var (body, answer) = await ReadFirstVerifiedAsync(slack);
        if (answer is not null)
        {
            return answer;
        }
        JsonObject callback;
        try
        {
            callback = StrictJson.ParseNode(body) as JsonObject ?? throw new JsonException("The event is not a JSON object.");
        }
        catch (JsonException ex)
        {
            slack.Logger.LogWarning("Refused a Slack event: {Problem}", ex.Message);
            return Results.Problem($"The event is not valid JSON: {ex.Message}", statusCode: 400, title: "Malformed Slack event");
        }
        switch (callback["type"].Text())
        {
            case "url_verification":
                return Results.Json(new { challenge = callback["challenge"].Text() });
            case "event_callback":
                slack.Work.Enqueue("event", ct => slack.Inbound.HandleEventAsync(callback, ct));
                return Results.Ok();
            case "app_rate_limited":
                slack.Logger.LogWarning("Slack is dropping events for this app: more than 30,000 in an hour (minute {Minute})", callback["minute_rate_limited"]);
                return Results.Ok();
            default:
                return Results.Ok();
        }
    }

    private static async Task<IResult> CommandsAsync([AsParameters] SlackRequest slack)
    {
        var (body, answer) = await ReadFirstVerifiedAsync(slack);
        if (answer is not null)
        {
            return answer;
        }
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).ToDictionary(f => f.Key, f => f.Value.ToString());
        slack.Work.Enqueue("slash command", ct => slack.Inbound.HandleSlashCommandAsync(form, ct));
        return Results.Ok();
    }

    private static async Task<IResult> InteractionsAsync([AsParameters] SlackRequest slack)
    {
        var (body, answer) = await ReadFirstVerifiedAsync(slack);
        if (answer is not null)
        {
            return answer;
        }
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        JsonObject? payload;
        try
        {
            payload = form.TryGetValue("payload", out var field) ? StrictJson.ParseNode(field.ToString()) as JsonObject : null;
        }
        catch (JsonException ex)
        {
            slack.Logger.LogWarning("Refused a Slack interaction: its payload is not valid JSON: {Problem}", ex.Message);
            return Results.Problem($"The interaction's 'payload' field is not valid JSON: {ex.Message}", statusCode: 400, title: "Malformed Slack interaction");
        }
        if (payload is null)
        {
            return Results.Problem("The interaction has no JSON 'payload' field.", statusCode: 400, title: "Malformed Slack interaction");
        }
        slack.Work.Enqueue("interaction", ct => slack.Inbound.HandleInteractionAsync(payload, ct));
        return Results.Ok();
    }

    /// <summary>
    /// The raw body (the signature covers the exact bytes) of a verified request seen for the first time; or the
    /// answer to give instead: a refusal, or a plain 200 for a repeat, which Slack must not see as an error.
    /// </summary>
    private static async Task<(byte[] Body, IResult? Answer)> ReadFirstVerifiedAsync(SlackRequest slack)
    {
        var request = slack.Request;
        if (await BoundedBodyReader.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, request.HttpContext.RequestAborted) is not { } body)
        {
            return ([], Results.Problem("The request is larger than 1 MiB.", statusCode: 413, title: "Body too large"));
        }
        string? timestamp = request.Headers["X-Slack-Request-Timestamp"];
        string? signature = request.Headers["X-Slack-Signature"];
        var check = slack.Verifier.Verify(timestamp, signature, body);
        if (check != SlackSignatureCheck.Valid)
        {
            slack.Logger.LogWarning("Refused a Slack request to {Path} from {Remote}: signature {Check}", request.Path, request.HttpContext.Connection.RemoteIpAddress, check);
            return ([], Results.Problem($"The Slack signature did not verify ({check}).", statusCode: 401, title: "Not from Slack"));
        }
        // Slack sends UTF-8; other bytes would only fail later, where a field is read, as a server error.
        if (!Utf8.IsValid(body))
        {
            slack.Logger.LogWarning("Refused a Slack request to {Path}: the body is not valid UTF-8", request.Path);
            return ([], Results.Problem("The request body is not valid UTF-8 text.", statusCode: 400, title: "Malformed Slack request"));
        }
        // Verified, so the timestamp is a number and the signature Slack's own: the same request sent again carries
        // the same one. (Slack's own retries of an event are signed anew; their event_id catches them.)
        if (!await slack.Deduplication.FirstRequestAsync(long.Parse(timestamp!, CultureInfo.InvariantCulture), signature!, request.HttpContext.RequestAborted))
        {
            slack.Logger.LogInformation("Ignored a repeat of a Slack request to {Path}: its signature was already seen (retry {RetryNum})",
                request.Path, request.Headers["X-Slack-Retry-Num"].ToString() is { Length: > 0 } retry ? retry : "none");
            return ([], Results.Ok());
        }
        return (body, null);
    }

    /// <summary>What every Slack endpoint needs.</summary>
    private sealed record SlackRequest(
        HttpRequest Request,
        SlackSignatureVerifier Verifier,
        SlackDeduplication Deduplication,
        SlackInbound Inbound,
        SlackWorkQueue Work,
        ILogger<SlackInbound> Logger);
}
