using IncidentBot.Access;
using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Catalog;

/// <summary><c>/api/services</c>: the catalog's components with owners, on-call, runbooks and open incidents (the console's Services page).</summary>
internal static class ServiceEndpoints
{
    /// <summary>How long the page waits for all on-call answers; a source still silent then is shown as failed.</summary>
    public static readonly TimeSpan OnCallBudget = TimeSpan.FromSeconds(5);

    private const int MaxParallelLookups = 8;

    public static RouteGroupBuilder MapServiceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/services").WithTags("Services").RequireRole(AccessRole.Viewer);
        group.MapGet("/", ListAsync).WithName("ListServices").WithSummary("Every catalogued component with its owner, on-call now and next, runbooks and open incidents; and the catalog's problems.");
        group.MapGet("/{name}", GetAsync).WithName("GetService").WithSummary("One component by name, as in the list.");
        return group;
    }

    private static async Task<Ok<ServiceListResponse>> ListAsync(CatalogLibrary catalogs, IOnCallDirectory directory, RunbookLibrary runbooks, IIncidentStore store, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var catalog = catalogs.Current;
        var open = await OpenIncidentsAsync(store, cancellationToken);
        var services = new ServiceResponse[catalog.Components.Count];
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(OnCallBudget);
        await Parallel.ForEachAsync(Enumerable.Range(0, services.Length), new ParallelOptions { MaxDegreeOfParallelism = MaxParallelLookups, CancellationToken = cancellationToken },
            async (i, _) => services[i] = await DescribeAsync(catalog, catalog.Components[i], directory, runbooks, open, logs, budget.Token));
        var errors = catalog.Problems.Select(p => new CatalogErrorResponse(p.File, p.Line, p.Message)).ToList();
        return TypedResults.Ok(new ServiceListResponse(services, errors));
    }

    private static async Task<Results<Ok<ServiceResponse>, ProblemHttpResult>> GetAsync(string name, CatalogLibrary catalogs, IOnCallDirectory directory, RunbookLibrary runbooks, IIncidentStore store, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var catalog = catalogs.Current;
        if (catalog.FindComponent(name) is not { } component)
        {
            return TypedResults.Problem($"There is no component '{(name.Length > 100 ? name[..100] + "…" : name)}' in the service catalog.", statusCode: StatusCodes.Status404NotFound, title: "Service not found");
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(OnCallBudget);
        var open = await OpenIncidentsAsync(store, cancellationToken);
        return TypedResults.Ok(await DescribeAsync(catalog, component, directory, runbooks, open, logs, budget.Token));
    }

    private static async Task<ILookup<string, Incident>> OpenIncidentsAsync(IIncidentStore store, CancellationToken cancellationToken) =>
        (await store.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, Limit: 1000), cancellationToken))
            .Where(i => i.Service is not null)
            .ToLookup(i => i.Service!.Trim(), StringComparer.OrdinalIgnoreCase);

    private static async Task<ServiceResponse> DescribeAsync(ServiceCatalog catalog, CatalogComponent component, IOnCallDirectory directory, RunbookLibrary runbooks, ILookup<string, Incident> open, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var request = catalog.OnCallRequestFor(component, reporter: null);
        var onCall = await OnCallAsync(directory, request, component, logs, cancellationToken);
        var owner = component.Owner is { } ownerRef
            ? catalog.Find(ownerRef) switch
            {
                CatalogGroup owning => new ServiceOwnerResponse(ownerRef.ToString(), owning.DisplayName ?? owning.Name, owning.Email, true, People(catalog.PeopleOf(owning))),
                CatalogUser user => new ServiceOwnerResponse(ownerRef.ToString(), user.Shown, user.Email, true, People([user])),
                _ => new ServiceOwnerResponse(ownerRef.ToString(), ownerRef.Name, null, false, []),
            }
            : null;
        var group = catalog.OwningGroup(component);
        return new ServiceResponse(
            component.Name, component.Ref.ToString(), component.Title, component.Description, component.Type, component.Lifecycle, component.System?.Name,
            owner, onCall, Runbooks(component, runbooks),
            open[component.Name].OrderBy(i => i.Number).Select(i => new ServiceIncidentResponse(i.Number, i.Title, i.Severity, i.Status)).ToList(),
            component.Routing.SlackUsergroupId ?? group?.Routing.SlackUsergroupId,
            component.Routing.TeamsTeamId ?? group?.Routing.TeamsTeamId);
    }

    private static async Task<ServiceOnCallResponse> OnCallAsync(IOnCallDirectory directory, OnCallRequest request, CatalogComponent component, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var targets = request.Targets.Select(t => t.ToString()).ToList();
        try
        {
            var lookup = await directory.LookupAsync(request, cancellationToken);
            return new ServiceOnCallResponse(lookup.Now, lookup.Next, lookup.AnsweredBy, lookup.FromCache, lookup.Failures, targets);
        }
        catch (Exception ex) when (ex is OperationCanceledException or OnCallSourceException or HttpRequestException)
        {
            // One slow or broken source never takes the page down: that service says why, the others are shown.
            logs.CreateLogger(typeof(ServiceEndpoints)).LogWarning(ex, "On-call lookup for {Service} failed", component.Name);
            var why = ex is OperationCanceledException ? $"no answer within {OnCallBudget.TotalSeconds:0} s" : ex.Message;
            return new ServiceOnCallResponse([], [], OnCallDirectory.Nobody, false, [why], targets);
        }
    }

    private static List<ServicePersonResponse> People(IEnumerable<CatalogUser> users) => users.Select(u => new ServicePersonResponse(u.Shown, u.Email)).ToList();

    private static List<ServiceRunbookResponse> Runbooks(CatalogComponent component, RunbookLibrary library)
    {
        var named = component.Routing.RunbookIds.Select(id => library.Find(id) is { } r ? new ServiceRunbookResponse(r.Id, r.Title, true) : new ServiceRunbookResponse(id, null, false));
        var listing = library.Current.Runbooks.Where(r => r.Services.Contains(component.Name, StringComparer.OrdinalIgnoreCase)).Select(r => new ServiceRunbookResponse(r.Id, r.Title, true));
        return named.Concat(listing).DistinctBy(r => r.Id).ToList();
    }
}
