using System.Globalization;
using System.Text.RegularExpressions;
using IncidentBot.Catalog;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;

namespace IncidentBot.OnCall;

/// <summary>
/// The <c>page &lt;service&gt; [message]</c> command: pages a catalogued component's on-call through the pager of the
/// first of its targets (its own, then its owning group's) that has one configured, or refuses saying why and what to
/// configure. Inside an incident the page carries the incident's reference and link and a dedup key
/// (<c>incidentbot-inc-3-checkout-api</c>), so paging the same service twice for one incident reaches one page; the
/// page, or its failure, goes on the incident's timeline as a note by the person who paged.
/// </summary>
public sealed partial class PageReplies(CatalogLibrary catalogs, IEnumerable<IPager> pagers, IIncidentStore store, IncidentService incidents, IConsoleLinks console, ILogger<PageReplies> logger)
{
    /// <summary>How long one page may take in all (a pager may make up to three calls, each within <c>OnCall:Timeout</c>).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    private readonly IReadOnlyList<IPager> _pagers = [.. pagers];

    /// <summary>Pages <paramref name="service"/> for <paramref name="user"/>, inside incident <paramref name="number"/> when given.</summary>
    public async Task<PageReply> PageAsync(string user, string service, string? message, int? number, CancellationToken cancellationToken)
    {
        var catalog = catalogs.Current;
        if (catalog.FindComponent(service) is not { } component)
        {
            return new PageReply(false, OnCallReplies.UnknownService(catalog, service, "page"));
        }
        var incident = number is { } n ? await store.FindAsync(n, cancellationToken) : null;
        if (number is not null && incident is null)
        {
            return new PageReply(false, $"There is no incident INC-{number}.");
        }
        if (incident is { IsDrill: true })
        {
            // A drill rehearses the response; it never wakes the real on-call person.
            logger.LogInformation("{User} tried to page {Service} in drill {Incident}: refused", user, component.Name, incident.Reference);
            return new PageReply(false, $"{incident.Reference} is a drill: `page` does not page real people in a drill. Ask `oncall {Code(component.Name)}` who would have been paged.");
        }
        var request = catalog.OnCallRequestFor(component, reporter: null);
        var (target, pager, reasons) = Choose(request.Targets);
        if (target is null || pager is null)
        {
            logger.LogInformation("{User} could not page {Service}: no target has a pager ({PageReasons})", user, component.Name, string.Join("; ", reasons));
            return new PageReply(false, NoPager(component, reasons));
        }

        var key = incident is null ? null : DedupKey(incident, component);
        var previous = key is null ? null : await PreviousReferenceAsync(incident!.Number, pager, key, cancellationToken);
        var link = incident is null ? null : console.Incident(incident.Number);
        var page = new PageRequest(target, component.Name, Title(component, incident, message), Details(user, component, incident, message, link), key, incident?.Reference, link, previous);
        var name = Literal(component.Name);
        var via = $"through {pager.DisplayName} (`{Code(target.ToString())}`)";
        PageAnswer answer;
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(Budget);
            answer = await pager.PageAsync(page, budget.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            var problem = ex switch
            {
                OnCallSourceException source => source.Problem,
                OperationCanceledException => $"no answer within {Budget.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
                _ => "failed unexpectedly",
            };
            logger.LogWarning(ex is OnCallSourceException or OperationCanceledException ? null : ex,
                "{User} could not page {Service} through {Pager}: {PageProblem}", user, component.Name, pager.Name, problem);
            if (incident is not null)
            {
                await RecordAsync(incident.Number, user, $"{user} could not page {component.Name}'s on-call through {pager.DisplayName} ({target}): {problem}", cancellationToken);
            }
            var timedOut = ex is OperationCanceledException || ex.InnerException is TimeoutException;
            var retry = timedOut && key is not null
                ? " The page may still have gone out; `page` again is safe: the dedup key keeps it to one page."
                : timedOut ? " The page may still have gone out." : "";
            return new PageReply(false, $"Could not page the on-call of **{name}** {via}: {Literal(problem, 300)}.{retry}");
        }

        // The page went out: what follows never turns it into a failure.
        var duplicate = answer.Duplicate || (previous is not null && previous == answer.Reference);
        logger.LogInformation("{User} paged {Service} through {Pager}{Incident}: {PageOutcome}", user, component.Name, pager.Name, incident is null ? "" : $" for {incident.Reference}", answer.Summary);
        if (incident is not null)
        {
            await RecordAsync(incident.Number, user,
                $"{user} paged {component.Name}'s on-call through {pager.DisplayName} ({target}): {answer.Summary}{(answer.Link is null ? "" : $" {answer.Link}")} (page {answer.Reference}, dedup key `{key}`)",
                cancellationToken);
        }
        var opened = answer.Link is null ? "" : $" Open it: {Literal(answer.Link, 300)}";
        var linked = incident is null
            ? " Outside an incident every `page` is a new page."
            : $" Linked to {incident.Reference}; dedup key `{Code(key!)}`: paging {name} again for {incident.Reference} reaches this same page.";
        return new PageReply(true, $"{(duplicate ? "Already paged" : "Paged")} the on-call of **{name}** {via}: {Literal(answer.Summary, 300)}.{opened}{linked}");
    }

    /// <summary>The first target with a pager that can page it, with why each one before it could not.</summary>
    private (OnCallTarget? Target, IPager? Pager, List<string> Reasons) Choose(IReadOnlyList<OnCallTarget> targets)
    {
        var reasons = new List<string>();
        foreach (var target in targets)
        {
            var pager = _pagers.FirstOrDefault(p => string.Equals(p.Name, target.Source, StringComparison.OrdinalIgnoreCase));
            var why = pager is null
                ? target.Source == "rota" ? "a rota has no pager" : $"there is no pager for {target.Source}"
                : pager.CannotPage(target);
            if (why is null)
            {
                return (target, pager, reasons);
            }
            reasons.Add($"{target}: {why}");
        }
        return (null, null, reasons);
    }

    private static string NoPager(CatalogComponent component, List<string> reasons)
    {
        var name = Literal(component.Name);
        if (reasons.Count == 0)
        {
            return $"**{name}** has no on-call to page: neither it nor its owning group names one. Add `pagerduty.com/service-id`, `opsgenie.com/team` "
                + "or `incidentbot.io/oncall` (e.g. `pagerduty:service/P1ABC2D`) to its catalog entry, and configure that pager (docs/catalog.md, \"Paging\").";
        }
        var lines = reasons.Select(r => $"- {Literal(r, 300)}");
        return $"**{name}** cannot be paged: none of its on-call targets has a pager configured.\n{string.Join("\n", lines)}\n"
            + $"`oncall {Code(component.Name)}` says who is on call, to reach them in chat; to page, configure the pager (docs/catalog.md, \"Paging\").";
    }

    /// <summary><c>incidentbot-inc-3-checkout-api</c>; a component outside the default namespace carries it (<c>…-shop.checkout-api</c>).</summary>
    public static string DedupKey(Incident incident, CatalogComponent component) =>
        $"incidentbot-{incident.Reference.ToLowerInvariant()}-{(component.Ref.Namespace == EntityRef.DefaultNamespace ? "" : component.Ref.Namespace.ToLowerInvariant() + ".")}{component.Name.ToLowerInvariant()}";

    /// <summary>What the pager answered the last time <paramref name="key"/> was paged through it, from the incident's timeline.</summary>
    private async Task<string?> PreviousReferenceAsync(int number, IPager pager, string key, CancellationToken cancellationToken)
    {
        var timeline = await store.TimelineOfAsync(number, cancellationToken);
        return timeline.Where(e => e.Kind == TimelineKinds.Note && e.Text.Contains($" through {pager.DisplayName} (", StringComparison.Ordinal))
            .Select(e => PageMark().Match(e.Text))
            .Where(m => m.Success && m.Groups["key"].Value == key)
            .Select(m => m.Groups["ref"].Value)
            .LastOrDefault();
    }

    /// <summary>Puts the page on the timeline; a store that fails loses the note (logged), never the reply about the page.</summary>
    private async Task RecordAsync(int number, string user, string text, CancellationToken cancellationToken)
    {
        try
        {
            var recorded = await incidents.RecordPageAsync(number, user, text, cancellationToken);
            if (recorded.Problem is not null)
            {
                logger.LogWarning("The page could not be put on the timeline of INC-{Incident}: {PageProblem}", number, recorded.Problem);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "The page could not be put on the timeline of INC-{Incident}", number);
        }
    }

    private static string Title(CatalogComponent component, Incident? incident, string? message)
    {
        var title = incident is null
            ? $"[{component.Name}] {Clean(message) ?? "Paged from IncidentBot"}"
            : $"[{incident.Reference}] {component.Name}: {Clean(message) ?? Clean(incident.Title)}";
        return ChatText.Shorten(title, PageRequest.MaxTitle);
    }

    private static string Details(string user, CatalogComponent component, Incident? incident, string? message, string? link)
    {
        var lines = new List<string> { $"{user} paged the on-call of {component.Name} through IncidentBot." };
        if (Clean(message) is { } said)
        {
            lines.Add($"Message: {said}");
        }
        if (incident is not null)
        {
            lines.Add($"Incident: {incident.Reference} ({incident.Severity.Display()}) {Clean(incident.Title)}");
        }
        if (link is not null)
        {
            lines.Add($"Link: {link}");
        }
        return ChatText.Shorten(string.Join("\n", lines), PageRequest.MaxDetails);
    }

    /// <summary>Text with control characters blanked and trimmed; null when nothing is left.</summary>
    private static string? Clean(string? text)
    {
        var clean = new string([.. (text ?? "").Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return clean.Length == 0 ? null : clean;
    }

    private static string Literal(string text, int max = 80) => MarkdownLiteral.Of(text, max);

    /// <summary>Text inside a code span: backticks cannot end it early.</summary>
    private static string Code(string text) => text.Replace("`", "'", StringComparison.Ordinal);

    [GeneratedRegex(@"\(page (?<ref>[^\s,()]+), dedup key `(?<key>[^`]+)`\)", RegexOptions.CultureInvariant)]
    private static partial Regex PageMark();
}

/// <summary>The <c>page</c> reply's text, and whether the page went out.</summary>
public sealed record PageReply(bool Ok, string Markdown);
