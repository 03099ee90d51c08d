using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using IncidentBot.Inbound;
using IncidentBot.Teams.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Inbound;

/// <summary>
/// <c>POST /api/messages</c>: the Bot Framework messaging endpoint. No activity is handled before its token
/// verifies, and only Teams activities (<c>channelId</c> <c>msteams</c>) from a service URL under
/// <c>Teams:AllowedServiceUrls</c> are handled at all, so the bot's token is never sent anywhere else.
/// </summary>
public static class TeamsEndpoints
{
    private const long MaxBodyBytes = 1024 * 1024;

    // Activity ids are short GUID-like strings; a longer one cannot be remembered as handled (storage keys are bounded).
    private const int MaxActivityIdLength = 256;

    // A name given twice would let the token check and the handler read different values.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    public static IEndpointRouteBuilder MapTeamsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value.Enabled)
        {
            endpoints.MapPost("/api/messages", MessagesAsync).WithTags("Teams").ExcludeFromDescription();
        }
        return endpoints;
    }

    // The Bot Framework names the channel an activity comes from; this bot serves Teams only.
    private const string TeamsChannel = "msteams";

    private static async Task<IResult> MessagesAsync(HttpRequest request, BotFrameworkTokenValidator validator, ServiceUrlAllowList allowList, TeamsInbound inbound, ILogger<TeamsInbound> logger, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return Refuse(logger, request, "no Authorization header");
        }
        if (await BoundedBodyReader.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, cancellationToken) is not { } body)
        {
            return Results.Problem("The activity is larger than 1 MiB.", statusCode: 413, title: "Body too large");
        }
        JsonObject? activity;
        try
        {
            // Invalid UTF-8 would only throw later, where a field is read, as a server error.
            activity = Utf8.IsValid(body) ? JsonNode.Parse(body, documentOptions: StrictJson) as JsonObject : null;
        }
        catch (JsonException)
        {
            activity = null;
        }
        // The token is checked against the activity's own serviceUrl and channelId, so those two are read first;
        // nothing else in the body is looked at until the token verifies.
        var check = await validator.ValidateAsync(authorization, activity?["serviceUrl"].Text(), activity?["channelId"].Text(), cancellationToken);
        if (!check.IsValid)
        {
            return Refuse(logger, request, check.Problem ?? "invalid token");
        }
        if (activity is null)
        {
            logger.LogWarning("Refused a Teams request: the body is not a JSON activity (or not UTF-8, or a field is given twice)");
            return Results.Problem("The body is not a JSON activity.", statusCode: 400, title: "Malformed activity");
        }
        if (activity["channelId"].Text() != TeamsChannel)
        {
            logger.LogWarning("Refused a Bot Framework activity from channel {Channel}: only Microsoft Teams (msteams) is served", activity["channelId"].Text());
            return Results.Problem("Only Microsoft Teams activities (channelId 'msteams') are handled.", statusCode: 403, title: "Not a Teams activity");
        }
        // Checked before anything is handled: replies and later messages go to this address with the bot's token.
        if (allowList.Allow(activity["serviceUrl"].Text()) is not { } serviceUrl)
        {
            logger.LogWarning("Refused a Teams activity: its serviceUrl {ServiceUrl} is not under Teams:AllowedServiceUrls", activity["serviceUrl"].Text());
            return Results.Problem("The activity's serviceUrl is not one of Teams:AllowedServiceUrls.", statusCode: 403, title: "Service URL not allowed");
        }
        // An activity is remembered by its id so that it acts once; one without an id could act again and again.
        if (activity["id"].Text() is not { Length: > 0 and <= MaxActivityIdLength })
        {
            logger.LogWarning("Refused a Teams activity: its id is missing or longer than {Max} characters", MaxActivityIdLength);
            return Results.Problem($"The activity has no id, or one longer than {MaxActivityIdLength} characters.", statusCode: 400, title: "Malformed activity");
        }
        var invokeResponse = await inbound.HandleAsync(activity, serviceUrl, check.ExpiresAt, cancellationToken);
        return invokeResponse is null ? Results.Ok() : Results.Json(invokeResponse);
    }

    private static IResult Refuse(ILogger logger, HttpRequest request, string problem)
    {
        logger.LogWarning("Refused a Teams request from {Remote}: {Problem}", request.HttpContext.Connection.RemoteIpAddress, problem);
        return Results.Problem($"The Bot Framework token did not verify: {problem}.", statusCode: 401, title: "Not from the Bot Framework");
    }
}
