using IncidentBot.Access;
using IncidentBot.Alerts;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.WebConsole;

/// <summary>
/// <c>GET /api/incidents/{number}/alerts</c>: every alert of the incident, for the room's alert list (what chat
/// messages show only the first of, or summarise). Each link says whether it may be one (<see cref="LinkPolicy"/>):
/// the browser makes links only of those.
/// </summary>
internal static class AlertListEndpoints
{
    /// <summary>
    /// At most this many alerts are listed: the firing ones first, each group in the order the bot saw them (then by
    /// when they started); the response says how many there are.
    /// </summary>
    public const int MaxListed = 1000;

    public static IEndpointRouteBuilder MapAlertListEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/incidents/{number:int}/alerts", ListAsync).WithTags("Console")
            .WithSummary("The incident's alerts, firing first, each with its labels, annotations and links.").RequireRole(AccessRole.Viewer);
        return endpoints;
    }

    /// <summary>The alerts, how many there are in all and how many fire.</summary>
    public sealed record AlertListResponse(int Total, int Firing, IReadOnlyList<AlertListItem> Alerts);

    public sealed record AlertListItem(
        string Source, string Fingerprint, AlertStatus Status, string? Severity, string Title, string? Description,
        IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, IReadOnlyList<AlertListLink> Links,
        DateTime? StartsAt, DateTime FirstSeenAt, DateTime? ResolvedAt);

    /// <summary>A link, and whether it may be shown as one (an address <see cref="LinkPolicy"/> allows).</summary>
    public sealed record AlertListLink(string Title, string Url, bool IsLink);

    private static async Task<Results<Ok<AlertListResponse>, ProblemHttpResult>> ListAsync(int number, IIncidentStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(number, cancellationToken) is null)
        {
            return IncidentProblems.NotFound(number);
        }
        var alerts = await store.AlertsOfAsync(number, cancellationToken);
        var listed = alerts.OrderBy(a => a.Status == AlertStatus.Firing ? 0 : 1).ThenBy(a => a.FirstSeenAt).ThenBy(a => a.StartsAt ?? a.FirstSeenAt)
            .ThenBy(a => a.Id, StringComparer.Ordinal).Take(MaxListed).Select(Item).ToList();
        return TypedResults.Ok(new AlertListResponse(alerts.Count, alerts.Count(a => a.Status == AlertStatus.Firing), listed));
    }

    private static AlertListItem Item(IncidentAlert a) => new(
        a.Source, a.Fingerprint, a.Status, a.Severity, a.Title, a.Description, a.Labels, a.Annotations,
        IncidentMessages.Links(a).Select(l => new AlertListLink(l.Title, l.Url, LinkPolicy.IsSafe(l.Url))).ToList(),
        a.StartsAt?.UtcDateTime, a.FirstSeenAt.UtcDateTime, a.ResolvedAt?.UtcDateTime);
}
