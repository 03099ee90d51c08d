using System.Text.RegularExpressions;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Catalog;

/// <summary>
/// Pulls the owning team into an incident opened from an alert for a catalogued component, in the background (the
/// channel never waits): invited at SEV1–2, mentioned at SEV3–4, invited later (once) when the severity is raised to
/// SEV1–2. When no runbook matched the alert, the component's <c>incidentbot.io/runbooks</c> are offered with a Start
/// button each. Drills and declared incidents are left alone.
/// </summary>
/// <remarks>
/// What was done is read back from the timeline (<see cref="TimelineKinds.TeamCalled"/>,
/// <see cref="TimelineKinds.RunbooksOffered"/>), so a restart never calls a team twice; what this run already knows
/// is kept in memory so most changes cost no read. <see cref="IncidentService"/> is resolved when first needed: it
/// notifies this observer, so taking it in the constructor would be a circle.
/// </remarks>
public sealed partial class OwningTeamNotifier(IIncidentStore store, IServiceProvider services, CatalogLibrary catalogs, RunbookLibrary runbooks, ILogger<OwningTeamNotifier> logger)
    : IncidentChangeWorker(logger, "call in the owning team")
{
    private enum Called
    {
        NotOurs,
        Mentioned,
        Invited,
    }

    private readonly Dictionary<int, Called> _known = [];

    /// <summary>SEV1 and SEV2 bring the team into the channel; SEV3 and SEV4 only tell it.</summary>
    public static bool Invites(Severity severity) => severity <= Severity.Sev2;

    protected override bool Concerns(Incident stored)
    {
        if (stored.GroupKey is null || stored.IsDrill || !stored.Status.IsOpen() || !catalogs.Current.CanMatchAlerts)
        {
            return false;
        }
        lock (_known)
        {
            return !_known.TryGetValue(stored.Number, out var called) || (called == Called.Mentioned && Invites(stored.Severity));
        }
    }

    protected override async Task HandleAsync(int number, CancellationToken stoppingToken)
    {
        var incident = await store.FindAsync(number, stoppingToken);
        if (incident is null || incident.IsDrill || incident.GroupKey is null || !incident.Status.IsOpen())
        {
            return;
        }
        if (await store.FirstAlertOfAsync(number, stoppingToken) is not { } alert)
        {
            return; // written in the same commit as the incident; should it lag, the next change asks again
        }
        var catalog = catalogs.Current;
        if (catalog.MatchAlert(alert.Labels) is not { } component)
        {
            Remember(number, Called.NotOurs);
            return;
        }
        var timeline = await store.TimelineOfAsync(number, stoppingToken);
        var before = CalledBefore(timeline);
        var service = services.GetRequiredService<IncidentService>();
        if (before is null && !timeline.Any(e => e.Kind == TimelineKinds.RunbooksOffered))
        {
            await OfferRunbooksAsync(service, incident, catalog, component, stoppingToken);
        }
        var group = catalog.OwningGroup(component);
        var slack = component.Routing.SlackUsergroupId ?? group?.Routing.SlackUsergroupId;
        var teams = component.Routing.TeamsTeamId ?? group?.Routing.TeamsTeamId;
        if (group is null && slack is null && teams is null)
        {
            logger.LogInformation("INC-{Incident}'s component {Component} has no owning group, Slack user group or Teams team: nobody to call in", number, component.Name);
            Remember(number, Called.NotOurs);
            return;
        }
        var invite = Invites(incident.Severity);
        if (before == Called.Invited || (before == Called.Mentioned && !invite))
        {
            Remember(number, before.Value);
            return;
        }
        var call = new TeamCallBlock(group?.Name ?? component.Name, invite, incident.Severity.Display(), slack, teams);
        var result = await service.CallOwningTeamAsync(number, call, stoppingToken);
        Remember(number, result.Problem is null ? (invite ? Called.Invited : Called.Mentioned) : Called.NotOurs);
        logger.LogInformation("Owning team of INC-{Incident}: {TeamCall} ({Outcome})", number, call.ToPlainText(), result.Problem ?? "done");
    }

    private async Task OfferRunbooksAsync(IncidentService service, Incident incident, ServiceCatalog catalog, CatalogComponent component, CancellationToken stoppingToken)
    {
        if (incident.RunbookSessions.Count > 0 || component.Routing.RunbookIds.Count == 0)
        {
            return;
        }
        var found = component.Routing.RunbookIds.Select(runbooks.Find).OfType<Runbook>().ToList();
        foreach (var missing in component.Routing.RunbookIds.Where(id => runbooks.Find(id) is null))
        {
            logger.LogWarning("Component {Component} lists runbook {Runbook}, which is not in the runbook library; not offered", component.Name, missing);
        }
        if (found.Count > 0)
        {
            await service.OfferRunbooksAsync(incident.Number, component.Name, found, stoppingToken);
        }
    }

    private void Remember(int number, Called called)
    {
        lock (_known)
        {
            _known[number] = called;
        }
    }

    /// <summary>How the team was called before, from the catalog's own timeline entries; null when it was not.</summary>
    private static Called? CalledBefore(IReadOnlyList<TimelineEntry> timeline)
    {
        Called? called = null;
        foreach (var entry in timeline.Where(e => e.Kind == TimelineKinds.TeamCalled && e.Actor == IncidentService.CatalogActor))
        {
            if (CallLine().Match(entry.Text) is { Success: true } match)
            {
                called = match.Groups[1].Value == "invited" ? Called.Invited : called ?? Called.Mentioned;
            }
        }
        return called;
    }

    [GeneratedRegex(@" team (invited|mentioned) \(SEV[1-4]\)$", RegexOptions.CultureInvariant)]
    private static partial Regex CallLine();
}
