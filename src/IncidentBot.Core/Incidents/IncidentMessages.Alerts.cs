using IncidentBot.Alerts;
using IncidentBot.Chat;

namespace IncidentBot.Incidents;

public static partial class IncidentMessages
{
    /// <summary>An alert's description is cut to this many characters in chat; the console's alert list has it whole.</summary>
    public const int MaxDescriptionChars = 1500;

    /// <summary>A label's or an annotation's value is cut to this many characters in chat.</summary>
    public const int MaxValueChars = 200;

    /// <summary>A link's title is cut to this many characters; a link whose address is longer than <see cref="MaxLinkUrlChars"/> is left out.</summary>
    public const int MaxLinkTitleChars = 60;

    public const int MaxLinkUrlChars = 2000;

    /// <summary>At most this many links are shown under an alert.</summary>
    public const int MaxLinks = 10;

    /// <summary>Annotations whose value, when it is a web address, is shown as a link, with the link's title.</summary>
    private static readonly (string Annotation, string Title)[] LinkAnnotations =
    [
        ("runbook_url", "Runbook"), ("runbook", "Runbook"), ("dashboard", "Dashboard"), ("dashboard_url", "Dashboard"),
        ("grafana_url", "Dashboard"),
    ];

    /// <summary>
    /// The alert's own words, as blocks for the opening message: its description (as text, never markup), the labels
    /// that matter (<see cref="AlertDetailOptions.ShownLabels"/>), the annotations not shown already (summary,
    /// description), and its links (graph, dashboards, runbook, silence). Every value is cut to size here; each
    /// platform's renderer escapes it and makes links only of what <see cref="LinkPolicy"/> allows.
    /// </summary>
    public static IReadOnlyList<MessageBlock> AlertDetails(IncidentAlert alert, AlertDetailOptions options)
    {
        var blocks = new List<MessageBlock>();
        var description = FirstNonBlank(alert.Description, alert.Annotations.GetValueOrDefault("description"));
        if (description is not null)
        {
            blocks.Add(new PlainTextBlock(ChatText.Shorten(description.Trim(), MaxDescriptionChars)));
        }
        var labels = LabelFields(alert, options.ShownLabels);
        if (labels.Count > 0)
        {
            blocks.Add(new FieldsBlock(labels));
        }
        var annotations = AnnotationFields(alert, description);
        if (annotations.Count > 0)
        {
            blocks.Add(new FieldsBlock(annotations));
        }
        var links = Links(alert);
        if (links.Count > 0)
        {
            blocks.Add(new LinksBlock(links));
        }
        return blocks;
    }

    /// <summary>The links of an alert, each address once: those its source gave, then those its annotations name.</summary>
    public static IReadOnlyList<MessageLink> Links(IncidentAlert alert)
    {
        var candidates = alert.Links.Select(l => (l.Title, l.Url))
            .Concat(LinkAnnotations.Select(a => (a.Title, Url: alert.Annotations.GetValueOrDefault(a.Annotation)?.Trim() ?? ""))
                .Where(a => LinkPolicy.IsSafe(a.Url)));
        return candidates
            .Where(l => !string.IsNullOrWhiteSpace(l.Url) && l.Url.Length <= MaxLinkUrlChars)
            .DistinctBy(l => l.Url, StringComparer.Ordinal)
            .Take(MaxLinks)
            .Select(l => new MessageLink(ChatText.Shorten(string.IsNullOrWhiteSpace(l.Title) ? "Link" : l.Title.Trim(), MaxLinkTitleChars), l.Url))
            .ToList();
    }

    private static List<MessageField> LabelFields(IncidentAlert alert, IReadOnlyList<string> shown) =>
        shown.Distinct(StringComparer.Ordinal)
            .Where(name => !string.IsNullOrWhiteSpace(alert.Labels.GetValueOrDefault(name)))
            .Take(AlertDetailOptions.MaxLabels)
            .Select(name => new MessageField(name, ChatText.Shorten(alert.Labels[name], MaxValueChars)))
            .ToList();

    /// <summary>The summary and description annotations, when they say more than the title and description already do.</summary>
    private static List<MessageField> AnnotationFields(IncidentAlert alert, string? description)
    {
        var fields = new List<MessageField>();
        if (FirstNonBlank(alert.Annotations.GetValueOrDefault("summary")) is { } summary && summary.Trim() != alert.Title.Trim())
        {
            fields.Add(new MessageField("summary", ChatText.Shorten(summary.Trim(), MaxValueChars)));
        }
        if (FirstNonBlank(alert.Annotations.GetValueOrDefault("description")) is { } annotated && annotated.Trim() != description?.Trim())
        {
            fields.Add(new MessageField("description", ChatText.Shorten(annotated.Trim(), MaxValueChars)));
        }
        return fields;
    }

    /// <summary>
    /// Alerts that joined (or resolved in) an open incident in one go, summarised instead of repeated: how many fired and
    /// resolved, the values of the labels that differ between them ("instance: 37 values: a, b, c, …"), when the first
    /// and the last started, then the alerts one per line, up to <see cref="AlertDetailOptions.MaxListedAlerts"/>
    /// (the console's alert list has them all).
    /// </summary>
    public static ChatMessage AlertStorm(Incident incident, IReadOnlyList<IncidentAlert> firing, IReadOnlyList<IncidentAlert> resolved, AlertDetailOptions options)
    {
        var tally = new AlertStormTally(options);
        foreach (var alert in firing.Concat(resolved))
        {
            tally.Add(alert);
        }
        return AlertStorm(incident, tally, options);
    }

    /// <summary>The summary of the alerts <paramref name="tally"/> gathered (a long storm tells apart <see cref="AlertStormTally.MaxAlerts"/>; the label values are those of these).</summary>
    public static ChatMessage AlertStorm(Incident incident, AlertStormTally tally, AlertDetailOptions options)
    {
        var (firingTotal, resolvedTotal) = (tally.FiringCount, tally.ResolvedCount);
        var counts = new List<string>();
        if (firingTotal > 0)
        {
            counts.Add(firingTotal == 1 ? "**1 more alert** firing" : $"**{firingTotal} more alerts** firing");
        }
        if (resolvedTotal > 0)
        {
            counts.Add($"**{resolvedTotal}** resolved");
        }
        var line = $"{DrillPrefix(incident)}{incident.Reference}: {string.Join(", ", counts)} · now {incident.FiringAlertCount} firing of {incident.AlertCount}";

        var listed = tally.Listed;
        var fields = DifferingLabelFields(tally, options.ShownLabels);
        if (fields.Count == 0 && tally.Count == 1 && listed.Count == 1)
        {
            fields.AddRange(LabelFields(listed[0], options.ShownLabels).Take(AlertDetailOptions.MaxLabels - 2));
        }
        if (tally.FiringSpan is var (first, last))
        {
            fields.Add(new MessageField("First seen", Time(first, seconds: true)));
            fields.Add(new MessageField("Last seen", Time(last, seconds: true)));
        }

        var blocks = new List<MessageBlock> { new TextBlock(line) };
        if (fields.Count > 0)
        {
            blocks.Add(new FieldsBlock(fields));
        }
        blocks.Add(new PlainTextBlock(AlertList(listed, firingTotal + resolvedTotal, options)));
        return new ChatMessage { Kind = MessageKind.Event, IncidentNumber = incident.Number, IsDrill = incident.IsDrill, Blocks = blocks };
    }

    /// <summary>One alert per line ("firing · title · instance=a, job=b"), the first ones, then how many more.</summary>
    private static string AlertList(IReadOnlyList<IncidentAlert> alerts, int total, AlertDetailOptions options)
    {
        var lines = alerts.Take(options.MaxListedAlerts).Select(a =>
        {
            var labels = options.ShownLabels.Where(name => name != "alertname" && !string.IsNullOrWhiteSpace(a.Labels.GetValueOrDefault(name)))
                .Select(name => $"{name}={ChatText.Shorten(a.Labels[name], 60)}");
            var text = $"{(a.Status == AlertStatus.Firing ? "firing" : "resolved")} · {ChatText.Shorten(a.Title, 120)}";
            return labels.Any() ? $"{text} · {string.Join(", ", labels)}" : text;
        }).ToList();
        var listed = Math.Min(alerts.Count, options.MaxListedAlerts);
        if (total > listed)
        {
            lines.Add($"… and {total - listed} more (the console's alert list has them all)");
        }
        return string.Join("\n", lines);
    }

    /// <summary>
    /// The labels whose values are not the same across the alerts (one missing counts as different): the shown labels
    /// first, then the others by name, each with how many values it has and the first few of them.
    /// </summary>
    private static List<MessageField> DifferingLabelFields(AlertStormTally tally, IReadOnlyList<string> shown)
    {
        const int MaxNamed = 5;
        if (tally.Count < 2)
        {
            return [];
        }
        var names = tally.LabelNames
            .OrderBy(name => shown.Contains(name) ? 0 : 1).ThenBy(name => IndexIn(shown, name)).ThenBy(name => name, StringComparer.Ordinal);
        var fields = new List<MessageField>();
        foreach (var name in names)
        {
            var (distinct, missingOnSome) = tally.ValuesOf(name);
            if (distinct.Count <= 1 && !missingOnSome)
            {
                continue;
            }
            var named = string.Join(", ", distinct.Take(MaxNamed).Select(v => ChatText.Shorten(v, 60)));
            var text = distinct.Count == 1 ? $"1 value: {named} (missing on some)" : $"{distinct.Count} values: {named}{(distinct.Count > MaxNamed ? ", …" : "")}";
            fields.Add(new MessageField(name, ChatText.Shorten(text, MaxValueChars * 2)));
            if (fields.Count == AlertDetailOptions.MaxLabels - 2)
            {
                break;
            }
        }
        return fields;
    }

    private static int IndexIn(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }
        return int.MaxValue;
    }


    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
