using System.Text.RegularExpressions;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Rca;

/// <summary>Turns an <see cref="RcaInput"/> into the object templates see; docs/rca-template.md documents every field.</summary>
internal static partial class RcaViewModel
{
    private const string None = "—";

    public static object Build(RcaInput input)
    {
        var incident = input.Incident;
        var clock = new RcaClock(input);
        var alerts = input.Alerts.OrderBy(FiringAt).ToList();
        var entries = input.Timeline.OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
        var first = alerts.FirstOrDefault();
        return new
        {
            title = incident.Title,
            reference = incident.Reference,
            number = incident.Number,
            severity = incident.Severity.Display(),
            status = incident.Status.Display(),
            isDrill = incident.IsDrill,
            drillLabel = incident.IsDrill ? "Drill" : "Real incident",
            services = new[] { incident.Service }.Concat(alerts.Select(a => a.Labels.GetValueOrDefault("service")))
                .OfType<string>().Where(s => s.Length > 0).Distinct().ToList(),
            summary = incident.ResolutionSummary,
            timeZone = clock.ZoneName,
            startedAt = clock.Full(incident.CreatedAt),
            acknowledgedAt = clock.Full(incident.AcknowledgedAt),
            mitigatedAt = clock.Full(incident.MitigatedAt),
            resolvedAt = clock.Full(incident.ResolvedAt),
            timeToAcknowledge = Since(incident.CreatedAt, incident.AcknowledgedAt),
            timeToMitigate = Since(incident.CreatedAt, incident.MitigatedAt),
            timeToResolve = Since(incident.CreatedAt, incident.ResolvedAt),
            firstAlert = first is null ? null : new
            {
                title = first.Title,
                source = first.Source,
                link = first.Links.FirstOrDefault()?.Url,
                startsAt = clock.Clock(FiringAt(first)),
            },
            alerts = alerts.Select(a => new
            {
                title = Cell(a.Title),
                source = a.Source,
                status = a.Status.ToString().ToLowerInvariant(),
                firingAt = clock.Clock(FiringAt(a)),
                resolvedAt = clock.Clock(a.ResolvedAt),
            }).ToList(),
            roles = entries.Where(e => e.Kind == TimelineKinds.RoleAssigned).Select(e => Role(e, clock)).ToList(),
            runbooks = incident.RunbookSessions.Select(s => Runbook(s, clock)).ToList(),
            timeline = entries.Select(e => new { time = clock.Clock(e.At), actor = e.Actor, kind = e.Kind, text = Cell(e.Text) }).ToList(),
            updates = entries.Where(e => e.Kind == TimelineKinds.StatusUpdate)
                .Select(e => new { time = clock.Clock(e.At), author = e.Actor, text = e.Text }).ToList(),
            actionItems = entries.Where(e => e.Kind == TimelineKinds.ActionItem).Select(e => ActionItem(e.Text)).ToList(),
        };
    }

    // Alerts report when they started at the source; a source that says nothing is dated by when the bot saw it.
    private static DateTimeOffset FiringAt(IncidentAlert alert) => alert.StartsAt ?? alert.FirstSeenAt;

    private static string Since(DateTimeOffset start, DateTimeOffset? end) => end is { } e ? DurationText.Of(e - start) : None;

    private static object Role(TimelineEntry entry, RcaClock clock)
    {
        var match = RoleText().Match(entry.Text);
        return new
        {
            role = match.Success ? match.Groups["role"].Value : entry.Text,
            user = match.Success ? Cell(match.Groups["user"].Value) : "",
            since = clock.Clock(entry.At),
            takingOverFrom = match.Groups["from"].Success ? match.Groups["from"].Value : null,
        };
    }

    private static object Runbook(RunbookSession session, RcaClock clock) => new
    {
        title = session.Title,
        version = session.Version,
        startedBy = session.StartedBy,
        startedAt = clock.Clock(session.StartedAt),
        steps = session.Steps.Select((step, i) => new
        {
            number = i + 1,
            title = Cell(step.Title),
            state = step.State.ToString().ToLowerInvariant(),
            by = step.By ?? None,
            duration = step.DurationSeconds is { } seconds ? DurationText.Of(TimeSpan.FromSeconds(seconds)) : None,
            skipReason = step.SkipReason is { } reason ? Cell(reason) : null,
            notes = Cell(string.Join("; ", step.Notes)),
        }).ToList(),
    };

    private static object ActionItem(string text)
    {
        var match = OwnedText().Match(text);
        return match.Success
            ? new { text = match.Groups["text"].Value, owner = match.Groups["owner"].Value }
            : new { text = text.Trim(), owner = "unassigned" };
    }

    // Table cells end at a pipe or a line break, so free text headed for tables keeps both visible instead.
    private static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings("<br>");

    [GeneratedRegex(@"^(?<role>[^:]+):\s*(?<user>.+?)(?:\s+\(taking over from @(?<from>[^)\s]+)\))?$")]
    private static partial Regex RoleText();

    [GeneratedRegex(@"^(?<text>.*\S)\s+@(?<owner>[^\s@]+)$", RegexOptions.Singleline)]
    private static partial Regex OwnedText();
}
