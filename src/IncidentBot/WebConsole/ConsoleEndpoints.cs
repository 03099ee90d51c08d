using IncidentBot.Access;
using IncidentBot.Inbound;
using IncidentBot.Incidents;
using IncidentBot.Chat;
using IncidentBot.Chat.Commands;
using IncidentBot.Hosting;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>The web console's own API: live updates (server-sent events) and incident rooms.</summary>
internal static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/events", Events).WithTags("Console").WithSummary("Server-sent events: incident changes and room messages.")
            .RequireRateLimiting(ClientLimitsExtensions.EventStreams).RequireRole(AccessRole.Viewer);
        var rooms = endpoints.MapGroup("/api/incidents/{number:int}/room").WithTags("Console");
        rooms.MapGet("/", RoomAsync).WithSummary("The incident's room: what the bot and people said, oldest first.").RequireRole(AccessRole.Viewer);
        // Viewers may type reading commands (status, timeline); what the text needs is checked before anything is said.
        rooms.MapPost("/", SayAsync).WithSummary("Says something in the room: the text is shown to everyone and run as a command.").RequireRole(AccessRole.Viewer);
        endpoints.MapAlertListEndpoint();
        return endpoints;
    }

    /// <summary>What a person types into a room.</summary>
    public sealed record SayRequest(string? User, string? Text);

    /// <summary>The bot's private answers to the person who typed (shown only in their browser).</summary>
    public sealed record SayResponse(bool Ok, IReadOnlyList<string> Private);

    private static ConsoleEventStream Events(ConsoleEvents events, IOptions<ClientLimitsOptions> limits, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime) =>
        new(events, limits, json, lifetime);

    private static async Task<Results<Ok<List<RoomMessageResponse>>, ProblemHttpResult>> RoomAsync(int number, long? after, IIncidentStore incidents, IRoomMessageStore rooms, CancellationToken cancellationToken) =>
        await incidents.FindAsync(number, cancellationToken) is null
            ? IncidentProblems.NotFound(number)
            : TypedResults.Ok(RoomMessageResponse.Collapse((await rooms.RoomOfAsync(number, after ?? 0, cancellationToken: cancellationToken)).Select(RoomMessageResponse.From)));

    private static async Task<Results<Ok<SayResponse>, ValidationProblem, ProblemHttpResult>> SayAsync(
        int number, SayRequest request, HttpContext context, IIncidentStore incidents, WebChatPlatform room, ChatCommandHandler commands, IOptions<InputLimits> limits, CancellationToken cancellationToken)
    {
        // Signed in through the provider: the proven name, never a typed one.
        request = request with { User = SignedInUser.Acting(context, request.User, out var refused) };
        if (refused is not null)
        {
            return refused;
        }
        // What is typed in a room is a command like any other, so it is checked the same way.
        if (CommandEndpoints.Validate(request.User, request.Text, limits.Value) is { } problem)
        {
            return problem;
        }
        var user = CommandEndpoints.UserName(request.User!);
        if (await incidents.FindAsync(number, cancellationToken) is null)
        {
            return IncidentProblems.NotFound(number);
        }
        var actor = HttpActor.Of(context, user);
        // A command the person may not run is refused before it is said: the room and the timeline stay as they were.
        if (await commands.RefusalAsync(actor, request.Text!, number, cancellationToken) is { } notAllowed)
        {
            return CommandEndpoints.Forbidden(notAllowed);
        }
        await room.SaidByPersonAsync(number, user, request.Text!.Trim(), cancellationToken);
        var reply = await commands.HandleAsync(actor, request.Text!, number, cancellationToken);
        var personal = reply.Messages.Where(m => m.Audience == MessageAudience.Requester).Select(WebMessageRenderer.Render).ToList();
        return TypedResults.Ok(new SayResponse(!reply.IsError, personal));
    }
}
