using IncidentBot.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Runbooks;

/// <summary><c>/api/runbooks</c>: the library, broken files included, and each runbook rendered.</summary>
internal static class RunbookEndpoints
{
    public static RouteGroupBuilder MapRunbookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/runbooks").WithTags("Runbooks").RequireRole(AccessRole.Viewer);
        group.MapGet("/", List).WithName("ListRunbooks").WithSummary("Every runbook file: good ones, and broken ones with their errors.");
        group.MapGet("/{id}", Get).WithName("GetRunbook").WithSummary("One runbook with its steps as HTML and its Markdown.");
        return group;
    }

    private static Ok<List<RunbookListEntry>> List(RunbookLibrary library)
    {
        var folder = library.Current;
        var good = folder.Runbooks.Select(r => r.ToListEntry());
        var broken = folder.Problems.GroupBy(p => p.File).Select(g => new RunbookListEntry(
            null, null, g.Key, [], new Dictionary<string, string>(), null, null, null, 0,
            g.Select(p => new RunbookErrorResponse(p.Line, p.Message)).ToList()));
        return TypedResults.Ok(good.Concat(broken).OrderBy(e => e.File, StringComparer.Ordinal).ToList());
    }

    private static Results<Ok<RunbookDetailResponse>, ProblemHttpResult> Get(string id, RunbookLibrary library) =>
        library.Find(id) is { } runbook
            ? TypedResults.Ok(runbook.ToDetail())
            : TypedResults.Problem($"There is no runbook '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Runbook not found");
}
