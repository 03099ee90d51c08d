using IncidentBot.Access;
using IncidentBot.Inbound;
using IncidentBot.Incidents;
using IncidentBot.Chat.Commands;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using IncidentBot.WebConsole;
using Microsoft.Extensions.Options;

namespace IncidentBot.Chat;

/// <summary>
/// Chat commands over HTTP, exactly as typed in a chat: <c>POST /api/incidents/{number}/commands</c> inside an
/// incident, <c>POST /api/commands</c> outside one. The web console speaks through these.
/// </summary>
internal static class CommandEndpoints
{
    public static IEndpointRouteBuilder MapCommandEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/incidents/{number:int}/commands", InIncidentAsync).WithTags("Commands").WithName("RunIncidentCommand")
            .WithSummary("Runs a chat command as a user inside an incident; the command's own role is checked (403 when lacking).")
            .RequireRole(AccessRole.Viewer);
        endpoints.MapPost("/api/commands", OutsideIncidentAsync).WithTags("Commands").WithName("RunCommand")
            .WithSummary("Runs a chat command as a user outside any incident (declare, help).").RequireRole(AccessRole.Viewer);
        return endpoints;
    }

    /// <summary>A command as typed, and who typed it.</summary>
    public sealed record CommandRequest(string? User, string? Text);

    /// <summary>The bot's answer: <see cref="Ok"/> is false when the command was refused or not understood.</summary>
    public sealed record CommandResponse(bool Ok, int? IncidentNumber, IReadOnlyList<MessageResponse> Messages);

    /// <summary>
    /// A reply message with its plain text alongside the blocks; messages with the same <c>UpdateKey</c> are versions
    /// of one card (the incident's header card, a runbook's step card) that chat platforms edit in place.
    /// </summary>
    public sealed record MessageResponse(MessageKind Kind, MessageAudience Audience, int? IncidentNumber, bool IsDrill, string Text, IReadOnlyList<MessageBlock> Blocks, string? UpdateKey);

    private static async Task<Results<Ok<CommandResponse>, ValidationProblem, ProblemHttpResult>> InIncidentAsync(
        int number, CommandRequest request, HttpContext context, IIncidentStore store, ChatCommandHandler handler, IOptions<InputLimits> limits, CancellationToken cancellationToken)
    {
        request = request with { User = SignedInUser.Acting(context, request.User, out var refused) };
        if (refused is not null)
        {
            return refused;
        }
        if (Validate(request.User, request.Text, limits.Value) is { } problem)
        {
            return problem;
        }
        if (await store.FindAsync(number, cancellationToken) is null)
        {
            return IncidentProblems.NotFound(number);
        }
        return Answer(await handler.HandleAsync(HttpActor.Of(context, request.User), request.Text!, number, cancellationToken));
    }

    private static async Task<Results<Ok<CommandResponse>, ValidationProblem, ProblemHttpResult>> OutsideIncidentAsync(
        CommandRequest request, HttpContext context, ChatCommandHandler handler, IOptions<InputLimits> limits, CancellationToken cancellationToken)
    {
        request = request with { User = SignedInUser.Acting(context, request.User, out var refused) };
        if (refused is not null)
        {
            return refused;
        }
        if (Validate(request.User, request.Text, limits.Value) is { } problem)
        {
            return problem;
        }
        return Answer(await handler.HandleAsync(HttpActor.Of(context, request.User), request.Text!, null, cancellationToken));
    }

    /// <summary>A command needs who typed it (at most 100 characters) and what (at most <c>Limits:CommandTextChars</c>).</summary>
    public static ValidationProblem? Validate(string? user, string? text, InputLimits limits)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(user) || UserName(user).Length == 0)
        {
            errors["user"] = ["user is required: who is running the command."];
        }
        else if (user.Length > 100)
        {
            errors["user"] = ["user must be at most 100 characters."];
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            errors["text"] = ["text is required: the command, e.g. \"ack\" or \"help\"."];
        }
        else if (text.Length > limits.CommandTextChars)
        {
            errors["text"] = [$"text is {text.Length} characters; it must be at most {limits.CommandTextChars} (Limits:CommandTextChars)."];
        }
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
    }

    /// <summary>The reply, or 403 when the command needs a role the caller lacks (nothing was changed).</summary>
    private static Results<Ok<CommandResponse>, ValidationProblem, ProblemHttpResult> Answer(CommandReply reply) =>
        reply.NeededRole is null ? TypedResults.Ok(ToResponse(reply)) : Forbidden(reply);

    /// <summary>A command refused for want of a role, as a 403 problem whose detail says which role and how to get it.</summary>
    public static ProblemHttpResult Forbidden(CommandReply refused) =>
        TypedResults.Problem(string.Join("\n", refused.Messages.Select(m => m.ToPlainText())), statusCode: StatusCodes.Status403Forbidden,
            title: $"Needs the {ApiTokens.RoleName(refused.NeededRole ?? AccessRole.Lead)} role");

    /// <summary><c>@alice</c> and <c> alice </c> are both alice.</summary>
    public static string UserName(string user) => user.Trim().TrimStart('@');

    private static CommandResponse ToResponse(CommandReply reply) => new(
        !reply.IsError,
        reply.IncidentNumber,
        reply.Messages.Select(m => new MessageResponse(m.Kind, m.Audience, m.IncidentNumber, m.IsDrill, m.ToPlainText(), m.Blocks, m.UpdateKey)).ToList());
}
