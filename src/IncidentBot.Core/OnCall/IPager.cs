namespace IncidentBot.OnCall;

/// <summary>
/// One place that can page a service's on-call person: PagerDuty, Opsgenie, Grafana OnCall or GoAlert. Kept apart
/// from <see cref="IOnCallSource"/>, which only reads: a pager writes, needs other credentials, and a source (the
/// built-in rota) may have no pager at all.
/// </summary>
public interface IPager
{
    /// <summary>The <see cref="OnCallTarget.Source"/> this pager pages for (e.g. <c>pagerduty</c>).</summary>
    string Name { get; }

    /// <summary>How people know it: <c>PagerDuty</c>, <c>Grafana OnCall</c>.</summary>
    string DisplayName { get; }

    /// <summary>Why <paramref name="target"/> cannot be paged here (a setting missing, a kind it cannot page), or null when it can.</summary>
    string? CannotPage(OnCallTarget target);

    /// <summary>Sends the page. Throws <see cref="OnCallSourceException"/> with a reason a person can act on when the pager refuses or fails.</summary>
    Task<PageAnswer> PageAsync(PageRequest request, CancellationToken cancellationToken);
}

/// <summary>What to page and why.</summary>
/// <param name="Target">The component's target the page goes to (its service, schedule or team at the pager).</param>
/// <param name="Service">The catalog component's name.</param>
/// <param name="Title">The page's one-line title (already limited to <see cref="PageRequest.MaxTitle"/>).</param>
/// <param name="Details">The longer text: who paged, the message, the incident and its link (at most <see cref="PageRequest.MaxDetails"/>).</param>
/// <param name="DedupKey">Pages with the same key are one page at the pager (null outside an incident: every page is new).</param>
/// <param name="IncidentReference">The incident the page belongs to (<c>INC-3</c>), if any.</param>
/// <param name="IncidentLink">The incident's page in the console, when its address is configured.</param>
/// <param name="PreviousReference">What the pager answered the last time this key was paged (from the timeline), if it was.</param>
public sealed record PageRequest(OnCallTarget Target, string Service, string Title, string Details, string? DedupKey, string? IncidentReference, string? IncidentLink, string? PreviousReference)
{
    /// <summary>The longest title sent: Opsgenie cuts an alert's message at 130 characters, the others show about as much.</summary>
    public const int MaxTitle = 120;

    /// <summary>The longest details sent.</summary>
    public const int MaxDetails = 2000;
}

/// <summary>What the pager answered.</summary>
/// <param name="Reference">The page's id at the pager (a PagerDuty incident, an Opsgenie alert, a Grafana alert group, a GoAlert alert).</param>
/// <param name="Link">Where people open it, when the pager gives one.</param>
/// <param name="Duplicate">True when the pager kept this to the page already open for the same dedup key.</param>
/// <param name="Summary">One sentence on what the pager did, for the reply and the timeline.</param>
public sealed record PageAnswer(string Reference, string? Link, bool Duplicate, string Summary);
