using IncidentBot.Access;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Drills;

/// <summary><c>/api/drills</c>: schedules, their runs and reports. Anyone with a role reads them; changes need a lead.</summary>
internal static class DrillEndpoints
{
    public static RouteGroupBuilder MapDrillEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/drills").WithTags("Drills");
        group.MapGet("/", ListAsync).WithName("ListDrills").WithSummary("Active drill schedules with their next run.").RequireRole(AccessRole.Viewer);
        group.MapPost("/", ScheduleAsync).WithName("ScheduleDrill").WithSummary("Schedules a drill (leads only).").RequireRole(AccessRole.Lead);
        group.MapPost("/run", RunNowAsync).WithName("RunDrill").WithSummary("Starts a drill of a runbook now (leads only).").RequireRole(AccessRole.Lead);
        group.MapDelete("/{id}", CancelAsync).WithName("CancelDrill").WithSummary("Cancels a drill schedule (leads only).").RequireRole(AccessRole.Lead);
        group.MapGet("/{id}/runs", RunsAsync).WithName("DrillRuns").WithSummary("A schedule's runs, newest first, with their reports.").RequireRole(AccessRole.Viewer);
        return group;
    }

    /// <summary>The body of <c>POST /api/drills</c>.</summary>
    public sealed record ScheduleRequest(string? Cron, string? Runbook, string? Severity, string? TimeZone, List<string>? Participants, string? User);

    /// <summary>The body of <c>POST /api/drills/run</c>.</summary>
    public sealed record RunRequest(string? Runbook, string? User);

    /// <summary>The drill incident that was opened.</summary>
    public sealed record DrillStarted(int IncidentNumber, string Reference);

    /// <summary>A drill schedule as the API shows it.</summary>
    public sealed record DrillScheduleResponse(string Id, string Runbook, string Cron, string TimeZone, Severity Severity, IReadOnlyList<string> Participants, string CreatedBy, DateTime CreatedAt, string? NextRun, DateTime? LastMissed);

    private static async Task<Ok<List<DrillScheduleResponse>>> ListAsync(DrillService drills, CancellationToken cancellationToken) =>
        TypedResults.Ok((await drills.ListAsync(cancellationToken)).Select(ToResponse).ToList());

    private static async Task<Results<Created<DrillScheduleResponse>, ValidationProblem, ProblemHttpResult>> ScheduleAsync(ScheduleRequest request, HttpContext context, DrillService drills, CancellationToken cancellationToken)
    {
        request = request with { User = WebConsole.SignedInUser.Acting(context, request.User, out var refused) };
        if (refused is not null)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Cron))
        {
            errors["cron"] = ["cron is required, e.g. \"0 0 10 ? * TUE\"."];
        }
        if (string.IsNullOrWhiteSpace(request.Runbook))
        {
            errors["runbook"] = ["runbook is required: the id of the runbook to drill."];
        }
        if (string.IsNullOrWhiteSpace(request.User))
        {
            errors["user"] = ["user is required: the lead scheduling the drill."];
        }
        Severity? severity = null;
        if (request.Severity is not null)
        {
            if (SeverityText.TryParse(request.Severity, out var parsed))
            {
                severity = parsed;
            }
            else
            {
                errors["severity"] = [$"'{request.Severity}' is not a severity: use SEV1 to SEV4."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var outcome = await drills.ScheduleAsync(request.Cron!, request.Runbook!, severity, request.TimeZone, request.Participants, request.User!.TrimStart('@'), cancellationToken);
        if (!outcome.Ok)
        {
            return TypedResults.Problem(outcome.Text, statusCode: StatusCodes.Status400BadRequest, title: "The drill cannot be scheduled");
        }
        var view = (await drills.ListAsync(cancellationToken)).Single(v => v.Schedule.Id == outcome.Schedule!.Id);
        return TypedResults.Created($"/api/drills/{outcome.Schedule!.Id}", ToResponse(view));
    }

    private static async Task<Results<Created<DrillStarted>, ProblemHttpResult>> RunNowAsync(RunRequest request, HttpContext context, DrillService drills, TimeProvider time, CancellationToken cancellationToken)
    {
        request = request with { User = WebConsole.SignedInUser.Acting(context, request.User, out var refused) };
        if (refused is not null)
        {
            return refused;
        }
        var actor = (request.User ?? "").TrimStart('@');
        var result = await drills.RunAsync(request.Runbook ?? "", actor, null, time.GetUtcNow(), cancellationToken);
        return result.Incident is { } incident
            ? TypedResults.Created($"/api/incidents/{incident.Number}", new DrillStarted(incident.Number, incident.Reference))
            : TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status400BadRequest, title: "The drill cannot start");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(string id, string? user, HttpContext context, DrillService drills, CancellationToken cancellationToken)
    {
        var acting = WebConsole.SignedInUser.Acting(context, user, out var refused);
        if (refused is not null)
        {
            return refused;
        }
        var outcome = await drills.CancelAsync(id, (acting ?? "").TrimStart('@'), cancellationToken);
        return outcome.Ok ? TypedResults.NoContent() : TypedResults.Problem(outcome.Text, statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<IReadOnlyList<DrillRun>>, ProblemHttpResult>> RunsAsync(string id, IDrillStore store, CancellationToken cancellationToken) =>
        await store.FindScheduleAsync(id, cancellationToken) is null
            ? TypedResults.Problem($"There is no drill schedule '{id}'.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(await store.RunsOfAsync(id, cancellationToken));

    private static DrillScheduleResponse ToResponse(DrillScheduleView view) => new(
        view.Schedule.Id, view.Schedule.RunbookId, view.Schedule.Cron, view.Schedule.TimeZone, view.Schedule.Severity, view.Schedule.Participants,
        view.Schedule.CreatedBy, view.Schedule.CreatedAt.UtcDateTime, view.NextRun, view.LastMissed?.UtcDateTime);
}
