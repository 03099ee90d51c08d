using System.Globalization;
using IncidentBot.Catalog;
using IncidentBot.Chat;
using Microsoft.Extensions.Logging;

namespace IncidentBot.OnCall;

/// <summary>
/// The <c>oncall [service]</c> answer: who is on call now and next for a catalogued service, with shift ends, the
/// source that answered, "(remembered answer)" when it came from the cache, and every source that failed. Names from
/// sources and the catalog are shown as literal text, never as Markdown.
/// </summary>
public sealed class OnCallReplies(CatalogLibrary catalogs, IOnCallDirectory directory, ILogger<OnCallReplies> logger)
{
    /// <summary>How many near names an unknown service's reply lists.</summary>
    public const int NearNames = 5;

    /// <summary>How long the command waits for the whole chain before saying the sources did not answer.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>The e-mail of the catalog's User whose name is <paramref name="handle"/>, so a person named by hand can be mentioned.</summary>
    public string? EmailOf(string handle) => catalogs.Current.FindUserByName(handle)?.Email;

    /// <summary>The reply for <paramref name="service"/> (a component's name or reference); <see cref="OnCallReply.Found"/> is false when it is not catalogued.</summary>
    public async Task<OnCallReply> DescribeAsync(string service, CancellationToken cancellationToken)
    {
        var catalog = catalogs.Current;
        if (catalog.FindComponent(service) is not { } component)
        {
            return new OnCallReply(false, UnknownService(catalog, service));
        }
        var request = catalog.OnCallRequestFor(component, reporter: null);
        OnCallLookup lookup;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            lookup = await directory.LookupAsync(request, budget.Token);
        }
        catch (Exception ex) when (ex is OnCallSourceException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(ex, "On-call lookup for {Service} failed", component.Name);
            var why = ex is OperationCanceledException ? $"no answer within {Budget.TotalSeconds:0} s" : ex.Message;
            lookup = new OnCallLookup([], [], OnCallDirectory.Nobody, false, [why]);
        }
        return new OnCallReply(true, Describe(component, request, lookup));
    }

    /// <summary>The text for one lookup (public for tests of the wording).</summary>
    public static string Describe(CatalogComponent component, OnCallRequest request, OnCallLookup lookup)
    {
        var lines = new List<string> { $"On call for **{Literal(component.Name)}**{(lookup.FromCache ? " (remembered answer)" : "")}:" };
        if (lookup.Now.Count == 0)
        {
            lines.Add(request.Targets.Count == 0 && lookup.Failures.Count == 0
                ? "- Now: nobody known: the service and its owning group name no on-call source (`incidentbot.io/oncall`)."
                : "- Now: nobody known.");
        }
        lines.AddRange(lookup.Now.Select(p => $"- Now: {Person(p)}"));
        lines.AddRange(lookup.Next.Select(p => $"- Next: {Person(p)}"));
        if (lookup.Now.Count > 0 && lookup.Next.Count == 0)
        {
            lines.Add("- Next: the source does not say.");
        }
        lines.Add($"Answered by: {Literal(AnsweredBy(lookup.AnsweredBy))}.");
        lines.AddRange(lookup.Failures.Select(f => $"⚠ {Literal(f)}"));
        return string.Join("\n", lines);
    }

    private static string Person(OnCallPerson person)
    {
        var ends = person.ShiftEnds is { } end
            ? $", until {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"
            : "";
        var email = person.Email is null || person.Email == person.Name ? "" : $" ({Literal(person.Email)})";
        return $"{Literal(person.Name)}{email}, level {person.Level}{ends} · {Literal(person.Source)}";
    }

    private static string AnsweredBy(string answeredBy) => answeredBy switch
    {
        OnCallDirectory.Fallback => "the fallback commander",
        OnCallDirectory.Reporter => "the reporter",
        OnCallDirectory.Nobody => "no source",
        _ => answeredBy,
    };

    /// <summary>"No service X": the names nearest to what was typed, each as the command <paramref name="verb"/> for it, so the right one is a copy away.</summary>
    public static string UnknownService(ServiceCatalog catalog, string service, string verb = "oncall")
    {
        var typed = Literal(service);
        if (catalog.Components.Count == 0)
        {
            return $"There is no service {typed}: the service catalog is empty (`Catalog:Path` names its folder).";
        }
        var names = catalog.Components.Select(c => c.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var closest = Suggestion.Closest(service, names, maxEdits: 3);
        var near = names
            .Where(n => n.Contains(service.Trim(), StringComparison.OrdinalIgnoreCase) || service.Contains(n, StringComparison.OrdinalIgnoreCase))
            .Prepend(closest)
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(NearNames)
            .ToList();
        return near.Count > 0
            ? $"There is no service {typed} in the catalog. Did you mean {string.Join(", ", near.Select(n => $"`{verb} {n.Replace("`", "", StringComparison.Ordinal)}`"))}?"
            : $"There is no service {typed} in the catalog. The Services page lists all {names.Count}.";
    }

    private static string Literal(string text) => MarkdownLiteral.Of(text, 80);
}

/// <summary>The <c>oncall</c> reply's text, and whether the service was found.</summary>
public sealed record OnCallReply(bool Found, string Markdown);
