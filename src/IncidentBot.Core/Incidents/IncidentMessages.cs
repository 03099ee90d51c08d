using IncidentBot.Chat;
using IncidentBot.Roles;

namespace IncidentBot.Incidents;

/// <summary>What the bot says about incidents, as neutral messages. Adapters decide how it looks.</summary>
public static partial class IncidentMessages
{
    /// <summary>
    /// The incident at a glance, with the buttons that apply now. The channel's copy is the incident's header card:
    /// it carries <see cref="CardKey"/>, and every change it shows edits it in place (see
    /// <see cref="IncidentTransaction"/>), so it stays true and never offers what no longer applies.
    /// <paramref name="alertDetails"/> (the first alert's own words, from <see cref="AlertDetails"/>) go between the
    /// fields and the buttons.
    /// </summary>
    public static ChatMessage Summary(Incident incident, RoleCatalog roles, MessageAudience audience = MessageAudience.Channel,
        IReadOnlyList<MessageBlock>? alertDetails = null)
    {
        var fields = new List<MessageField>
        {
            new("Severity", incident.Severity.Display()),
            new("Status", incident.Status.Display()),
        };
        if (incident.Service is not null)
        {
            fields.Add(new("Service", incident.Service));
        }
        fields.Add(new("Commander", incident.Roles.TryGetValue(RoleCatalog.Commander, out var commander) ? $"@{commander}" : "nobody yet"));
        var others = incident.Roles.Where(r => r.Key != RoleCatalog.Commander).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{roles.NameOf(r.Key)}: @{r.Value}").ToList();
        if (others.Count > 0)
        {
            fields.Add(new("Roles", ChatText.Shorten(string.Join(", ", others), MaxFieldChars)));
        }
        if (incident.AlertCount > 0)
        {
            fields.Add(new("Alerts", $"{incident.FiringAlertCount} firing of {incident.AlertCount}"));
        }
        if (incident.RunbookSessions.Count > 0)
        {
            fields.Add(new("Runbook", ChatText.Shorten(string.Join(", ", incident.RunbookSessions.Select(Progress)), MaxFieldChars)));
        }
        if (OnCallField(incident) is { } onCall)
        {
            fields.Add(onCall);
        }
        fields.Add(new("Last update", incident.LastUpdateAt is { } update ? Time(update) : "none yet"));
        fields.Add(new("Opened", Time(incident.CreatedAt)));

        var blocks = new List<MessageBlock>
        {
            new HeaderBlock(Title(incident)),
            new FieldsBlock(fields),
        };
        blocks.AddRange(alertDetails ?? []);
        var buttons = Buttons(incident, roles);
        if (buttons.Count > 0)
        {
            blocks.Add(new ButtonsBlock(buttons));
        }
        return new ChatMessage
        {
            Kind = MessageKind.IncidentSummary,
            Audience = audience,
            IncidentNumber = incident.Number,
            IsDrill = incident.IsDrill,
            UpdateKey = audience == MessageAudience.Channel ? CardKey(incident) : null,
            Blocks = blocks,
        };
    }

    /// <summary>
    /// What, changed, makes the header card post a new version: title, severity, status, service, roles, runbook
    /// progress, last update, and whether any alert is firing. Not each alert's arrival: in a storm that would edit
    /// the card once per alert; the card's alert counts are brought up to date with its next version.
    /// </summary>
    public static string CardState(Incident incident) => string.Join('\u001f',
    [
        incident.Title,
        incident.Severity.Display(),
        incident.Status.Display(),
        incident.IsDrill ? "drill" : "",
        incident.Service ?? "",
        string.Join(',', incident.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")),
        string.Join(',', incident.RunbookSessions.Select(Progress)),
        incident.LastUpdateAt is { } update ? Time(update) : "",
        incident.FiringAlertCount > 0 ? "firing" : "quiet",
        OnCallState(incident),
    ]);

    /// <summary>The update key of the incident's header card: every version of the card edits the first one.</summary>
    public static string CardKey(Incident incident) => $"{incident.Reference}/card";

    /// <summary>One thing that happened, said in a line, with any detail that goes with it below.</summary>
    public static ChatMessage Event(Incident incident, string markdown, params IEnumerable<MessageBlock> details) => new()
    {
        Kind = MessageKind.Event,
        IncidentNumber = incident.Number,
        IsDrill = incident.IsDrill,
        Blocks = [new TextBlock($"{DrillPrefix(incident)}{markdown}"), .. details],
    };

    /// <summary><c>INC-42 · SEV2 · Checkout errors</c>, with DRILL in front of drills.</summary>
    public static string Title(Incident incident) =>
        $"{DrillPrefix(incident)}{incident.Reference} · {incident.Severity.Display()} · {incident.Title}";

    /// <summary><c>[DRILL] </c> in front of whatever is said about a drill, so nobody mistakes it for the real thing.</summary>
    public static string DrillPrefix(Incident incident) => incident.IsDrill ? "[DRILL] " : "";

    // A field's value stays short on every platform (a Slack field takes 2,000 characters, a card fact less in practice).
    private const int MaxFieldChars = 300;

    /// <summary>A moment as cards and replies say it: <c>2026-12-06 14:05 UTC</c>.</summary>
    public static string Time(DateTimeOffset at, bool seconds = false) =>
        at.ToUniversalTime().ToString(seconds ? "yyyy-MM-dd HH:mm:ss 'UTC'" : "yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>resolved since 2026-12-06 14:05 UTC</c>: the status and when it began, for "nothing to do" answers.</summary>
    public static string StatusSince(Incident incident)
    {
        var since = incident.Status switch
        {
            IncidentStatus.Acknowledged => incident.AcknowledgedAt,
            IncidentStatus.Mitigated => incident.MitigatedAt,
            IncidentStatus.Resolved => incident.ResolvedAt,
            IncidentStatus.Closed => incident.ClosedAt,
            _ => incident.CreatedAt,
        };
        return since is { } at ? $"{incident.Status.Display()} since {Time(at)}" : incident.Status.Display();
    }

    private static string Progress(Runbooks.Sessions.RunbookSession session) =>
        session.IsFinished ? $"{session.Title}: finished" : $"{session.Title}: step {session.CurrentIndex + 1} of {session.Steps.Count}";

    /// <summary>
    /// What can be done now: Acknowledge only while triggered; the commander and Resolve only while open; a resolved
    /// incident offers its review; a closed one nothing.
    /// </summary>
    private static List<MessageButton> Buttons(Incident incident, RoleCatalog roles)
    {
        var buttons = new List<MessageButton>();
        if (incident.Status == IncidentStatus.Triggered)
        {
            buttons.Add(new MessageButton("Acknowledge", "ack", ButtonStyle.Primary));
        }
        if (incident.Status == IncidentStatus.Resolved)
        {
            buttons.Add(new MessageButton("Write the review", "rca"));
        }
        if (!incident.Status.IsOpen())
        {
            return buttons;
        }
        if (!incident.Roles.ContainsKey(RoleCatalog.Commander))
        {
            buttons.Add(new MessageButton($"I'm {roles.NameOf(RoleCatalog.Commander).ToLowerInvariant()}", $"role {RoleCatalog.Commander}"));
        }
        buttons.AddRange(OnCallButtons(incident));
        buttons.Add(new MessageButton("Resolve", "resolve", ButtonStyle.Danger));
        return buttons;
    }
}
