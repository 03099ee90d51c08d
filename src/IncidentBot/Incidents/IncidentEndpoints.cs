using IncidentBot.Access;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Incidents;

/// <summary><c>/api/incidents</c>: list, read and declare incidents.</summary>
internal static class IncidentEndpoints
{
    public static RouteGroupBuilder MapIncidentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/incidents").WithTags("Incidents");
        group.MapGet("/", ListAsync).WithName("ListIncidents").WithSummary("Lists incidents, newest first.").RequireRole(AccessRole.Viewer);
        group.MapGet("/{number:int}", GetAsync).WithName("GetIncident").WithSummary("One incident with its alerts and timeline.").RequireRole(AccessRole.Viewer);
        group.MapPost("/", DeclareAsync).WithName("DeclareIncident").WithSummary("Declares an incident by hand.").RequireRole(AccessRole.Responder);
        endpoints.MapGet("/api/metrics/response", ResponseAsync).WithTags("Metrics").WithName("ResponseMetrics")
            .WithSummary("MTTA, MTTM and MTTR by service and severity between two dates (default: the last 30 days); drills apart; update cadence.")
            .RequireRole(AccessRole.Viewer);
        return group;
    }

    /// <summary>The body of <c>POST /api/incidents</c>.</summary>
    public sealed record DeclareRequest(string? Title, string? Severity, string? Service, string? User);

    /// <summary>Longest <c>service</c> or <c>q</c> the list takes: longer text matches nothing anyway.</summary>
    public const int MaxFilterChars = 200;

    /// <summary>
    /// <c>GET /api/incidents</c>: newest first, filtered by <c>status</c> (open, resolved, all), <c>severity</c>
    /// (sev1…sev4), <c>service</c>, <c>drill</c> (true: drills only, false: real incidents only) and <c>q</c> (text
    /// the title contains, ignoring case); an empty parameter is no filter. A bad value is a 400 naming the parameter.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<IncidentSummaryResponse>>, ValidationProblem>> ListAsync(
        IIncidentStore store, string? status, string? severity, string? service, string? drill, string? q, int? limit, int? before, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        IncidentStatusFilter? filter = (Given(status) ?? "all").ToLowerInvariant() switch
        {
            "all" => IncidentStatusFilter.All,
            "open" => IncidentStatusFilter.Open,
            "resolved" => IncidentStatusFilter.Resolved,
            _ => null,
        };
        var errors = new Dictionary<string, string[]>();
        if (filter is null)
        {
            errors["status"] = [$"'{Shown(status!)}' is not a status filter: use open, resolved or all."];
        }
        Severity? wanted = null;
        if (Given(severity) is { } severityText)
        {
            if (SeverityText.TryParse(severityText, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors["severity"] = [$"'{Shown(severityText)}' is not a severity: use sev1 to sev4."];
            }
        }
        bool? drills = Given(drill)?.ToLowerInvariant() switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => null,
        };
        if (Given(drill) is { } drillText && drills is null)
        {
            errors["drill"] = [$"'{Shown(drillText)}' is not a drill filter: use true (drills only) or false (real incidents only)."];
        }
        CheckText(service, "service", errors);
        CheckText(q, "q", errors);
        if (limit is < 1 or > 1000)
        {
            errors["limit"] = ["limit must be between 1 and 1000."];
        }
        if (errors.Count > 0)
        {
            logs.CreateLogger(typeof(IncidentEndpoints)).LogInformation("Incident list refused: bad {Parameters}", string.Join(", ", errors.Keys));
            return TypedResults.ValidationProblem(errors);
        }
        var query = new IncidentQuery(filter!.Value, limit ?? 100, before)
        {
            Severity = wanted,
            Service = Given(service)?.Trim(),
            IsDrill = drills,
            TitleContains = Given(q)?.Trim(),
        };
        var incidents = await store.ListAsync(query, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<IncidentSummaryResponse>>(incidents.Select(i => i.ToSummary()).ToList());
    }

    /// <summary>A parameter with something in it; an empty one filters nothing.</summary>
    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>A bad value echoed in a problem: short, and one line.</summary>
    private static string Shown(string value) => Chat.ChatText.Shorten(string.Concat(value.Where(c => !char.IsControl(c))), 40);

    private static void CheckText(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (Given(value) is not { } text)
        {
            return;
        }
        if (text.Length > MaxFilterChars)
        {
            errors[name] = [$"{name} must be at most {MaxFilterChars} characters ({text.Length:N0} given)."];
        }
        else if (text.Any(char.IsControl))
        {
            errors[name] = [$"{name} must not contain control characters (line breaks, tabs, NUL)."];
        }
    }

    private static async Task<Results<Ok<Metrics.ResponseReport>, ValidationProblem>> ResponseAsync(IIncidentStore store, TimeProvider time, string? since, string? until, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var to = ParseDate(until, "until", errors) ?? time.GetUtcNow();
        var from = ParseDate(since, "since", errors) ?? to.AddDays(-30);
        if (errors.Count == 0 && from >= to)
        {
            errors["since"] = [$"since ({from:yyyy-MM-dd}) must be before until ({to:yyyy-MM-dd})."];
        }
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await Metrics.ResponseMetrics.ComputeAsync(store, from, to, cancellationToken));
    }

    private static DateTimeOffset? ParseDate(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }
        errors[name] = [$"'{text}' is not a date, e.g. 2026-11-01."];
        return null;
    }

    private static async Task<Results<Ok<IncidentDetailResponse>, ProblemHttpResult>> GetAsync(int number, IIncidentStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(number, cancellationToken) is { } incident
            ? TypedResults.Ok(await DetailAsync(incident, store, cancellationToken))
            : IncidentProblems.NotFound(number);

    private static async Task<Results<Created<IncidentDetailResponse>, ValidationProblem, ProblemHttpResult>> DeclareAsync(
        DeclareRequest request, HttpContext context, IncidentService incidents, IIncidentStore store, CancellationToken cancellationToken)
    {
        request = request with { User = WebConsole.SignedInUser.Acting(context, request.User, out var refused) };
        if (refused is not null)
        {
            return refused;
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            errors["title"] = ["title is required."];
        }
        else if (request.Title.Length > 200)
        {
            errors["title"] = ["title must be at most 200 characters."];
        }
        var severity = Severity.Sev3;
        if (request.Severity is not null && !SeverityText.TryParse(request.Severity, out severity))
        {
            errors["severity"] = [$"'{request.Severity}' is not a severity: use SEV1 to SEV4."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var actor = string.IsNullOrWhiteSpace(request.User) ? "api" : request.User.Trim().TrimStart('@');
        var result = await incidents.DeclareAsync(request.Title!, severity, actor, request.Service, cancellationToken: cancellationToken);
        var incident = result.Incident!;
        return TypedResults.Created($"/api/incidents/{incident.Number}", await DetailAsync(incident, store, cancellationToken));
    }

    private static async Task<IncidentDetailResponse> DetailAsync(Incident incident, IIncidentStore store, CancellationToken cancellationToken) => new(incident.ToSummary())
    {
        ResolutionSummary = incident.ResolutionSummary,
        Alerts = (await store.AlertsOfAsync(incident.Number, cancellationToken)).Select(a => a.ToResponse()).ToList(),
        Timeline = (await store.TimelineOfAsync(incident.Number, cancellationToken)).Select(t => t.ToResponse()).ToList(),
        RunbookSessions = incident.RunbookSessions.Select(s => s.ToResponse()).ToList(),
    };
}
