using IncidentBot.Chat;

namespace IncidentBot.Incidents;

/// <summary>The answer to <c>timeline</c>: the newest entries (who, when, what), and where to read the rest.</summary>
public static class TimelineMessages
{
    /// <summary>How many entries a chat answer shows; the console shows them all.</summary>
    public const int Shown = 20;

    /// <summary>Longest text of one entry in chat, before it is cut with "…".</summary>
    public const int EntryChars = 200;

    private static readonly Dictionary<string, string> Labels = new()
    {
        [TimelineKinds.Opened] = "opened",
        [TimelineKinds.Declared] = "declared",
        [TimelineKinds.AlertFiring] = "alert firing",
        [TimelineKinds.AlertResolved] = "alert resolved",
        [TimelineKinds.AllAlertsResolved] = "all alerts resolved",
        [TimelineKinds.Acknowledged] = "acknowledged",
        [TimelineKinds.Mitigated] = "mitigated",
        [TimelineKinds.Resolved] = "resolved",
        [TimelineKinds.RoleAssigned] = "role",
        [TimelineKinds.Note] = "note",
        [TimelineKinds.StatusUpdate] = "update",
        [TimelineKinds.SeverityChanged] = "severity",
        [TimelineKinds.SeverityUnmapped] = "severity not mapped",
        [TimelineKinds.ChannelOpened] = "channel",
        [TimelineKinds.ChatFailure] = "chat failure",
        [TimelineKinds.RunbookStarted] = "runbook started",
        [TimelineKinds.StepDone] = "step done",
        [TimelineKinds.StepSkipped] = "step skipped",
        [TimelineKinds.StepBack] = "step back",
        [TimelineKinds.ChecklistTicked] = "checklist",
        [TimelineKinds.RunbookFinished] = "runbook finished",
        [TimelineKinds.MissedUpdate] = "update missed",
        [TimelineKinds.ActionItem] = "action item",
        [TimelineKinds.Closed] = "closed",
        [TimelineKinds.TeamCalled] = "owning team",
        [TimelineKinds.RunbooksOffered] = "runbooks offered",
    };

    /// <summary>A short human label for a timeline kind; an unknown kind is shown as it is stored.</summary>
    public static string LabelOf(string kind) => Labels.GetValueOrDefault(kind, kind);

    /// <summary>
    /// The last <see cref="Shown"/> entries of <paramref name="timeline"/> (oldest first, as stored), one line each,
    /// with a link to the console's incident page (<paramref name="consoleLink"/>) when entries were left out.
    /// Every text from an alert or a person is shown literally, cut to <see cref="EntryChars"/>.
    /// </summary>
    public static ChatMessage Recent(Incident incident, IReadOnlyList<TimelineEntry> timeline, string? consoleLink)
    {
        var recent = timeline.Skip(Math.Max(0, timeline.Count - Shown)).ToList();
        var header = recent.Count < timeline.Count
            ? $"{IncidentMessages.Title(incident)} — timeline, last {recent.Count} of {timeline.Count}"
            : $"{IncidentMessages.Title(incident)} — timeline";
        var lines = recent.Select(e =>
            $"- `{e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC` **{MarkdownLiteral.Of(e.Actor, 60)}** · {LabelOf(e.Kind)}: {MarkdownLiteral.Of(e.Text, EntryChars)}");
        var body = recent.Count == 0 ? "Nothing on the timeline yet." : string.Join("\n", lines);
        var rest = consoleLink is null
            ? $"The whole timeline is on {incident.Reference}'s page in the web console."
            : $"The whole timeline: [{incident.Reference} in the web console]({consoleLink}).";
        return new ChatMessage
        {
            Kind = MessageKind.Info,
            Audience = MessageAudience.Requester,
            IncidentNumber = incident.Number,
            IsDrill = incident.IsDrill,
            Blocks = [new HeaderBlock(header), new TextBlock(body), new TextBlock(rest)],
        };
    }
}
