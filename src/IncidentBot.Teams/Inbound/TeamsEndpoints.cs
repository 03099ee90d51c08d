using System.Text.Json;
using System.Text.Json.Nodes;
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
        // Authentication comes first: nothing of the body is read, not even its length, until the token verifies.
        var token = await validator.ValidateTokenAsync(request.Headers.Authorization.ToString(), cancellationToken);
        if (!token.IsValid)
        {
            return Refuse(logger, request, token.Problem ?? "invalid token");
        }
        if (await BoundedBodyReader.ReadAsync(request.Body, request.ContentLength, MaxBodyBytes, cancellationToken) is not { } body)
        {
            return Results.Problem("The activity is larger than 1 MiB.", statusCode: 413, title: "Body too large");
        }
        JsonObject activity;
        try
        {
            activity = StrictJson.ParseNode(body) as JsonObject ?? throw new JsonException("The body is not a JSON object.");
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Refused a Teams request: the body is not a JSON activity: {Problem}", ex.Message);
            return Results.Problem($"The body is not a JSON activity: {ex.Message}", statusCode: 400, title: "Malformed activity");
        }
        // A genuine token for another service URL or channel must not carry this activity.
        var check = validator.ValidateActivity(token, activity["serviceUrl"].Text(), activity["channelId"].Text());
        if (!check.IsValid)
        {
            return Refuse(logger, request, check.Problem ?? "invalid token");
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
