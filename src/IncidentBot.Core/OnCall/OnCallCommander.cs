using IncidentBot.Catalog;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.OnCall;

/// <summary>
/// Gives an incident opened from an alert its commander from on-call, after the opening commit, in the background (the
/// channel never waits for a source): the first alert's labels name the catalog component
/// (<see cref="ServiceCatalog.MatchAlert"/>), the directory says who is on call, and the first level-1 person becomes
/// commander unless someone already is. A timeline note names the step that answered and every failure.
/// </summary>
/// <remarks>
/// <see cref="IncidentService"/> is resolved when first needed: it notifies this observer, so taking it in the
/// constructor would be a circle.
/// Each incident is tried once per run of the bot. Declared incidents (no alert) and incidents whose alert matches no
/// component are left alone. Accept / Hand off buttons and escalation to the next level are not built yet.
/// </remarks>
public sealed class OnCallCommander(IIncidentStore store, IServiceProvider services, CatalogLibrary catalogs, IOnCallDirectory directory, ILogger<OnCallCommander> logger)
    : IncidentChangeWorker(logger, "find the on-call commander")
{
    /// <summary>How long the whole chain may take before the incident is left to people.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    private readonly HashSet<int> _tried = [];

    /// <summary>An open incident from an alert, with no commander yet, not tried before.</summary>
    protected override bool Concerns(Incident stored)
    {
        if (stored.GroupKey is null || !stored.Status.IsOpen() || stored.Roles.ContainsKey(RoleCatalog.Commander))
        {
            return false;
        }
        lock (_tried)
        {
            return _tried.Add(stored.Number);
        }
    }

    protected override async Task HandleAsync(int number, CancellationToken stoppingToken)
    {
        var incident = await store.FindAsync(number, stoppingToken);
        if (incident is null || incident.Roles.ContainsKey(RoleCatalog.Commander))
        {
            return;
        }
        if (await store.FirstAlertOfAsync(number, stoppingToken) is not { } alert)
        {
            // The alert is written in the same commit as a rule; should it lag, the next change tries again.
            lock (_tried)
            {
                _tried.Remove(number);
            }
            return;
        }
        var catalog = catalogs.Current;
        if (catalog.MatchAlert(alert.Labels) is not { } component)
        {
            logger.LogInformation("No catalog component matches the first alert of INC-{Incident}: no on-call commander", number);
            return;
        }
        var lookup = await LookUpAsync(catalog.OnCallRequestFor(component, reporter: null), stoppingToken);
        var person = lookup.Now.Where(p => p.Level == 1).FirstOrDefault() ?? lookup.Now.OrderBy(p => p.Level).FirstOrDefault();
        var name = person is null ? null : HandleOf(catalog, person);
        var note = Note(component, lookup, person, name);
        var result = await services.GetRequiredService<IncidentService>().AssignCommanderFromOnCallAsync(number, name, note, stoppingToken);
        logger.LogInformation("On-call commander of INC-{Incident}: {Commander} from {OnCallAnsweredBy} ({Outcome})",
            number, name ?? "nobody", lookup.AnsweredBy, result.Problem ?? result.Notice ?? "done");
    }

    private async Task<OnCallLookup> LookUpAsync(OnCallRequest request, CancellationToken stoppingToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        budget.CancelAfter(Budget);
        try
        {
            return await directory.LookupAsync(request, budget.Token);
        }
        catch (Exception ex) when (ex is OnCallSourceException or HttpRequestException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            logger.LogWarning(ex, "On-call lookup failed");
            var why = ex is OperationCanceledException ? $"no answer within {Budget.TotalSeconds:0} s" : ex.Message;
            return new OnCallLookup([], [], OnCallDirectory.Nobody, false, [why]);
        }
    }

    /// <summary>The catalog user's name (their handle) when the e-mail is a catalog User's, else the e-mail's local part, else the source's name.</summary>
    public static string HandleOf(ServiceCatalog catalog, OnCallPerson person)
    {
        if (catalog.FindUserByEmail(person.Email) is { } user)
        {
            return user.Name;
        }
        if (person.Email is { } email && email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at)
        {
            return email[..at];
        }
        return person.Name;
    }

    private static string Note(CatalogComponent component, OnCallLookup lookup, OnCallPerson? person, string? name)
    {
        var failures = lookup.Failures.Count == 0 ? "" : " " + string.Join("; ", lookup.Failures) + $"; asked {lookup.AnsweredBy}.";
        var remembered = lookup.FromCache ? " (remembered answer)" : "";
        return person is null
            ? $"On call for {component.Name}: nobody found, so no commander was set.{failures}"
            : $"On call for {component.Name}: {name} (level {person.Level}, {person.Source}) from {lookup.AnsweredBy}{remembered}.{failures}";
    }
}
