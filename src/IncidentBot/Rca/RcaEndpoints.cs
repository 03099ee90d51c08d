using IncidentBot.Access;
using System.Text;
using Markdig;
using IncidentBot.Inbound;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Rendering;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IncidentBot.Rca;

/// <summary>
/// <c>/api/incidents/{number}/rca</c>: the review as Markdown with its version as the ETag; edits need
/// <c>If-Match</c> so two people never overwrite each other.
/// </summary>
internal static class RcaEndpoints
{
    public static RouteGroupBuilder MapRcaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/incidents/{number:int}/rca").WithTags("RCA");
        group.MapGet("/", GetAsync).WithName("GetRca").WithSummary("The review as Markdown; the ETag is its version.").RequireRole(AccessRole.Viewer);
        group.MapPut("/", PutAsync).Accepts<string>("text/markdown").WithName("SaveRca").WithSummary("Saves an edited review (If-Match: the version it started from).")
            .RequireRole(AccessRole.Responder);
        group.MapGet("/html", HtmlAsync).WithName("GetRcaHtml").WithSummary("The current review rendered as HTML, for the web console.").RequireRole(AccessRole.Viewer);
        group.MapGet("/versions", VersionsAsync).WithName("RcaVersions").WithSummary("Every version, oldest first.").RequireRole(AccessRole.Viewer);
        return group;
    }

    /// <summary>One version as listed.</summary>
    public sealed record VersionResponse(int Version, string Author, DateTime SavedAt, int Length);

    private static async Task<IResult> GetAsync(int number, IRcaStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await store.FindRcaAsync(number, cancellationToken) is not { } document)
        {
            return TypedResults.Problem($"INC-{number} has no review yet: it is written when the incident resolves (or with the `rca` command).", statusCode: 404, title: "No review yet");
        }
        response.Headers.ETag = ETag(document.Current.Version);
        return TypedResults.Text(document.Current.Markdown, "text/markdown; charset=utf-8");
    }

    // Reviews use GitHub-style tables, which runbooks do not; raw HTML stays text here too, and links pass the
    // console's one link check (the HTML renderer's).
    internal static readonly MarkdownPipeline ReviewPipeline = new MarkdownPipelineBuilder().UsePipeTables().UseTaskLists().DisableHtml().Build();

    private static async Task<IResult> HtmlAsync(int number, IRcaStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await store.FindRcaAsync(number, cancellationToken) is not { } document)
        {
            return TypedResults.Problem($"INC-{number} has no review yet.", statusCode: 404, title: "No review yet");
        }
        response.Headers.ETag = ETag(document.Current.Version);
        return TypedResults.Text(HtmlStepRenderer.Render(document.Current.Markdown, ReviewPipeline), "text/html; charset=utf-8");
    }

    private static async Task<IResult> PutAsync(int number, HttpRequest request, RcaService rcas, IRcaStore store, IIncidentStore incidents, IOptions<InputLimits> limits, CancellationToken cancellationToken)
    {
        if (await incidents.FindAsync(number, cancellationToken) is null)
        {
            return IncidentProblems.NotFound(number);
        }
        var ifMatch = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return TypedResults.Problem("Send If-Match with the ETag you edited (from GET), so a concurrent edit is never overwritten.", statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required");
        }
        if (!int.TryParse(ifMatch.Trim().Trim('W', '/').Trim('"'), out var expected))
        {
            return TypedResults.Problem($"If-Match '{ifMatch}' is not a review version.", statusCode: StatusCodes.Status400BadRequest);
        }
        // Read no more than one version may hold: a larger review is refused whole, never saved in part.
        var maxBytes = limits.Value.ReviewVersionBytes;
        if (await BoundedBodyReader.ReadAsync(request.Body, request.ContentLength, maxBytes, request.HttpContext.RequestAborted) is not { } body)
        {
            return TypedResults.Problem($"The review is larger than {maxBytes} bytes, the most one version can hold (Limits:ReviewVersionBytes). Nothing was saved; move long logs or data into linked files.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Review too large");
        }
        string markdown;
        try
        {
            markdown = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return TypedResults.Problem("The body is not valid UTF-8 text: send the review as UTF-8 Markdown.", statusCode: StatusCodes.Status400BadRequest, title: "Malformed review");
        }
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return TypedResults.Problem("The body is empty: send the whole review as Markdown.", statusCode: StatusCodes.Status400BadRequest);
        }
        var typed = request.Query["user"].ToString() is { Length: > 0 } user ? user.TrimStart('@') : null;
        var author = WebConsole.SignedInUser.Acting(request.HttpContext, typed, out var refused) ?? "api";
        if (refused is not null)
        {
            return refused;
        }
        if (await rcas.SaveAsync(number, markdown, author, expected, cancellationToken) is not { } saved)
        {
            var current = (await store.FindRcaAsync(number, cancellationToken))?.Current;
            return TypedResults.Problem($"Someone saved version {current?.Version} ({current?.Author}) after the version you edited; reload it and apply your changes.", statusCode: StatusCodes.Status412PreconditionFailed, title: "The review changed");
        }
        request.HttpContext.Response.Headers.ETag = ETag(saved.Current.Version);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<VersionResponse>>, ProblemHttpResult>> VersionsAsync(int number, IRcaStore store, CancellationToken cancellationToken) =>
        await store.FindRcaAsync(number, cancellationToken) is { } document
            ? TypedResults.Ok(document.Versions.Select(v => new VersionResponse(v.Version, v.Author, v.SavedAt.UtcDateTime, v.Markdown.Length)).ToList())
            : TypedResults.Problem($"INC-{number} has no review yet.", statusCode: 404);

    private static string ETag(int version) => $"\"{version}\"";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
