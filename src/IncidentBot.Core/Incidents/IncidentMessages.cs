using IncidentBot.Chat;
using IncidentBot.Roles;

namespace IncidentBot.Incidents;

/// <summary>What the bot says about incidents, as neutral messages. Adapters decide how it looks.</summary>
public static partial class IncidentMessages
{
    /// <summary>
    /// The incident at a glance, with the buttons people need first; <paramref name="alertDetails"/> (the first alert's
    /// own words, from <see cref="AlertDetails"/>) go between the fields and the buttons.
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
        if (incident.AlertCount > 0)
        {
            fields.Add(new("Alerts", $"{incident.FiringAlertCount} firing of {incident.AlertCount}"));
        }
        fields.Add(new("Opened", incident.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'")));

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
        return new ChatMessage { Kind = MessageKind.IncidentSummary, Audience = audience, IncidentNumber = incident.Number, IsDrill = incident.IsDrill, Blocks = blocks };
    }

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

    private static List<MessageButton> Buttons(Incident incident, RoleCatalog roles)
    {
        var buttons = new List<MessageButton>();
        if (incident.Status == IncidentStatus.Triggered)
        {
            buttons.Add(new MessageButton("Acknowledge", "ack", ButtonStyle.Primary));
        }
        if (!incident.Status.IsOpen())
        {
            return buttons;
        }
        if (!incident.Roles.ContainsKey(RoleCatalog.Commander))
        {
            buttons.Add(new MessageButton($"I'm {roles.NameOf(RoleCatalog.Commander).ToLowerInvariant()}", $"role {RoleCatalog.Commander}"));
        }
        buttons.Add(new MessageButton("Resolve", "resolve", ButtonStyle.Danger));
        return buttons;
    }
}
