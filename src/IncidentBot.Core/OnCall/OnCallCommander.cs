using IncidentBot.Catalog;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall;

/// <summary>
/// Gives an incident opened from an alert its commander from on-call, after the opening commit, in the background (the
/// channel never waits for a source): the first alert's labels name the catalog component
/// (<see cref="ServiceCatalog.MatchAlert"/>), the directory says who is on call, and the first level-1 person becomes
/// commander unless someone already is. A timeline note names the step that answered, every failure, and the others on
/// call at level 1 (reachable with Hand off).
/// </summary>
/// <remarks>
/// <see cref="IncidentService"/> is resolved when first needed: it notifies this observer, so taking it in the
/// constructor would be a circle.
/// Whether an incident was asked is kept on it (<see cref="Incident.OnCall"/>, written in the ask's own commit), so a
/// restart or a second replica never asks twice. "Primary", with several people at level 1: the first of them in the
/// answer of the first target that answered (the component's own <c>incidentbot.io/oncall</c> before its group's),
/// in the order the source lists them (<see cref="Primary"/>). Declared incidents (no alert) and incidents whose alert
/// matches no component are left alone. What happens next (Accept, Hand off, escalation) is
/// <see cref="IncidentService.AcceptOnCallAsync"/>, <see cref="IncidentService.HandOffOnCallAsync"/> and
/// <see cref="OnCallEscalations"/>.
/// </remarks>
public sealed class OnCallCommander(IIncidentStore store, IServiceProvider services, CatalogLibrary catalogs, IOnCallDirectory directory, IOptions<OnCallOptions> options, ILogger<OnCallCommander> logger)
    : IncidentChangeWorker(logger, "find the on-call commander")
{
    /// <summary>How long the whole chain may take before the incident is left to people.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    // Incidents whose first alert matched no component, so an alert storm does not read them again on every change.
    // Only a shortcut: a restart forgets it and looks once more.
    private readonly HashSet<int> _unmatched = [];

    /// <summary>
    /// An open incident from an alert, with no commander and no on-call ask yet, while the catalog has components its
    /// alert could be for (without them nothing is read: an alert storm on a bot with no catalog costs no lookups).
    /// </summary>
    protected override bool Concerns(Incident stored)
    {
        if (stored.GroupKey is null || !stored.Status.IsOpen() || stored.Roles.ContainsKey(RoleCatalog.Commander) || stored.OnCall is not null
            || !catalogs.Current.CanMatchAlerts)
        {
            return false;
        }
        lock (_unmatched)
        {
            return !_unmatched.Contains(stored.Number);
        }
    }

    protected override async Task HandleAsync(int number, CancellationToken stoppingToken)
    {
        var incident = await store.FindAsync(number, stoppingToken);
        if (incident is null || incident.Roles.ContainsKey(RoleCatalog.Commander) || incident.OnCall is not null)
        {
            return;
        }
        if (await store.FirstAlertOfAsync(number, stoppingToken) is not { } alert)
        {
            // The alert is written in the same commit as a rule; should it lag, the next change tries again.
            return;
        }
        var catalog = catalogs.Current;
        if (catalog.MatchAlert(alert.Labels) is not { } component)
        {
            lock (_unmatched)
            {
                _unmatched.Add(number);
            }
            logger.LogInformation("No catalog component matches the first alert of INC-{Incident}: no on-call commander", number);
            return;
        }
        var lookup = await LookUpAsync(catalog.OnCallRequestFor(component, reporter: null), stoppingToken);
        var people = Primary(lookup.Now).Select(p => new OnCallCandidate { Handle = HandleOf(catalog, p), Email = p.Email, Level = p.Level })
            .DistinctBy(p => p.Handle, StringComparer.OrdinalIgnoreCase).ToList();
        var first = people.FirstOrDefault();
        var ask = new OnCallAsk { Component = component.Name, Handle = first?.Handle, Email = first?.Email, Level = first?.Level ?? 0, People = people };
        var person = first is null ? null : Primary(lookup.Now).First();
        var note = Note(component, lookup, person, first?.Handle, people);
        var result = await services.GetRequiredService<IncidentService>().AskOnCallAsync(number, ask, note, options.Value.AcceptWithin, stoppingToken);
        logger.LogInformation("On-call commander of INC-{Incident}: {Commander} from {OnCallAnsweredBy} ({Outcome})",
            number, first?.Handle ?? "nobody", lookup.AnsweredBy, result.Problem ?? result.Notice ?? "done");
    }

    /// <summary>
    /// Everyone on call, the lowest level first; within a level the source's own order is kept (a stable sort), so the
    /// first is the primary: the first-listed schedule's person of the target that answered.
    /// </summary>
    public static IEnumerable<OnCallPerson> Primary(IReadOnlyList<OnCallPerson> now) => now.OrderBy(p => p.Level);

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

    private static string Note(CatalogComponent component, OnCallLookup lookup, OnCallPerson? person, string? name, List<OnCallCandidate> people)
    {
        var failures = lookup.Failures.Count == 0 ? "" : " " + string.Join("; ", lookup.Failures) + $"; asked {lookup.AnsweredBy}.";
        var remembered = lookup.FromCache ? " (remembered answer)" : "";
        if (person is null)
        {
            return $"On call for {component.Name}: nobody found, so no commander was set.{failures}";
        }
        var others = people.Skip(1).Where(p => p.Level == person.Level).Select(p => p.Handle).ToList();
        var alsoOnCall = others.Count == 0 ? "" : $" Also on call at level {person.Level}: {string.Join(", ", others)} (reachable with Hand off).";
        return $"On call for {component.Name}: {name} (level {person.Level}, {person.Source}) from {lookup.AnsweredBy}{remembered}.{alsoOnCall}{failures}";
    }
}
