using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Runbooks.Rendering;
using IncidentBot.Runbooks.Rendering.AdaptiveCards;

namespace IncidentBot.Teams.Messages;

/// <summary>
/// Renders a neutral message as a message activity holding one Adaptive Card (schema 1.5, what Teams renders):
/// Markdown through the Markdig tree into card elements, fields as a FactSet, checklist items and buttons as
/// <c>Action.Execute</c> whose data is the command they run. Drills say so first, in red. Teams reads TextBlocks and
/// facts as Markdown, so outside text in them is escaped (<see cref="AdaptiveCardText"/>): no links or mentions.
/// </summary>
/// <remarks>
/// Within the Adaptive Cards rules: every <c>Action.Execute</c> falls back to an <c>Action.Submit</c> with the same
/// command for clients older than 1.4, and a card has at most <see cref="MaxTopLevelActions"/> actions: the buttons
/// (Done, Skip, Back, …) come first, and when they and the checklist's ticks are more than that, the ticks (and any
/// buttons past the fifth) move into one <c>Action.ShowCard</c>, so the step's own buttons always stay in view.
/// </remarks>
public static class AdaptiveCardMessageRenderer
{
    /// <summary>The verb every IncidentBot card action carries; its data holds the command.</summary>
    public const string Verb = "incidentbot.command";

    /// <summary>Teams shows at most six actions on a card (its host config's <c>maxActions</c>).</summary>
    public const int MaxTopLevelActions = 6;

    /// <summary>
    /// The message as an activity within Teams' size limit (<see cref="TeamsMessageBudget"/>); a card cut to fit ends
    /// with <paramref name="fullTextLink"/>, where the whole of it can be read.
    /// </summary>
    public static JsonObject Activity(ChatMessage message, string? fullTextLink = null) => TeamsMessageBudget.Fit(new()
    {
        ["type"] = "message",
        ["summary"] = Summary(message),
        ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = Card(message) }),
    }, message, fullTextLink);

    public static JsonObject Card(ChatMessage message)
    {
        var body = new JsonArray();
        var buttons = new List<JsonObject>();
        var ticks = new List<JsonObject>();
        var mentions = new JsonArray();
        if (message.IsDrill)
        {
            body.Add(Text("DRILL — this is an exercise, not a real incident.", weight: "Bolder", color: "Attention"));
        }
        foreach (var block in message.Blocks)
        {
            switch (block)
            {
                case HeaderBlock header:
                    body.Add(Text(AdaptiveCardText.Escape(header.Text), weight: "Bolder", size: "Medium"));
                    break;
                case TextBlock text:
                    foreach (var element in AdaptiveCardRenderer.Render(text.Markdown))
                    {
                        body.Add(element!.DeepClone());
                    }
                    break;
                case MentionBlock mention:
                    body.Add(Mention(mention, mentions));
                    foreach (var element in AdaptiveCardRenderer.Render(mention.Markdown))
                    {
                        body.Add(element!.DeepClone());
                    }
                    break;
                case PlainTextBlock plain:
                    body.Add(Text(AdaptiveCardText.Escape(plain.Text)));
                    break;
                case LinksBlock links when links.Links.Count > 0:
                    body.Add(Text(string.Join("  ·  ", links.Links.Select(Link))));
                    break;
                case FieldsBlock fields:
                    body.Add(new JsonObject
                    {
                        ["type"] = "FactSet",
                        ["facts"] = new JsonArray(fields.Fields.Select(f => (JsonNode)new JsonObject { ["title"] = AdaptiveCardText.Escape(f.Label), ["value"] = AdaptiveCardText.Escape(f.Value) }).ToArray()),
                    });
                    break;
                case ChecklistBlock checklist:
                    foreach (var (item, index) in checklist.Items.Select((item, index) => (item, index)))
                    {
                        body.Add(Text($"{(item.Checked ? "☑" : "☐")} {AdaptiveCardText.Escape(item.Text)}"));
                        ticks.Add(Execute($"{(item.Checked ? "Untick" : "Tick")} {index + 1}", item.Command, ButtonStyle.Default));
                    }
                    break;
                case TeamCallBlock call:
                    body.Add(Text(AdaptiveCardText.Escape(TeamCall(call)), weight: call.Invite ? "Bolder" : null));
                    break;
                case ButtonsBlock row:
                    foreach (var button in row.Buttons)
                    {
                        buttons.Add(Execute(button.Label, button.Command, button.Style));
                    }
                    break;
            }
        }
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (TopLevelActions(buttons, ticks) is { Count: > 0 } actions)
        {
            card["actions"] = actions;
        }
        if (mentions.Count > 0)
        {
            // Teams reads mentions in a card from its own "msteams" property (not part of the Adaptive Cards schema).
            card["msteams"] = new JsonObject { ["entities"] = mentions };
        }
        return card;
    }

    /// <summary>
    /// <c>&lt;at&gt;name&lt;/at&gt;</c> with a mention entity for a person with an e-mail: Teams takes the user principal
    /// name (the e-mail, where they are the same) or the Entra object id as <c>mentioned.id</c>. Without an e-mail the
    /// name is escaped text. The name inside the tag keeps only letters, digits, spaces and <c>.-_</c>, so nothing in it
    /// can end the tag or the card text.
    /// </summary>
    private static JsonObject Mention(MentionBlock mention, JsonArray mentions)
    {
        var name = new string(mention.Handle.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '.' or '-' or '_').Take(100).ToArray()).Trim();
        if (mention.Email is not { } email || name.Length == 0)
        {
            return Text($"**@{AdaptiveCardText.Escape(mention.Handle)}**");
        }
        var tag = $"<at>{name}</at>";
        mentions.Add(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = tag,
            ["mentioned"] = new JsonObject { ["id"] = email, ["name"] = name },
        });
        return Text(tag);
    }

    /// <summary>The owning team called in, as the incident's thread tells it (escaped by the caller: names are outside text).</summary>
    private static string TeamCall(TeamCallBlock call) => (call.TeamsTeam, call.Invite) switch
    {
        (null, _) => $"The {call.Team} team is {call.Verb} ({call.Severity}), but not in Teams: the timeline says why.",
        (_, true) => $"The {call.Team} team is invited ({call.Severity}): a post in their team's General channel @mentions each member with the way here.",
        (_, false) => $"The {call.Team} team is told ({call.Severity}) in their team's General channel.",
    };

    /// <summary>The buttons, then the ticks; past <see cref="MaxTopLevelActions"/>, the rest behind one "show" action.</summary>
    private static JsonArray TopLevelActions(List<JsonObject> buttons, List<JsonObject> ticks)
    {
        if (buttons.Count + ticks.Count <= MaxTopLevelActions)
        {
            return new JsonArray([.. buttons, .. ticks]);
        }
        var shown = Math.Min(buttons.Count, MaxTopLevelActions - 1);
        var rest = buttons.Skip(shown).Concat(ticks).ToList();
        var title = shown == buttons.Count ? $"Checklist ({ticks.Count})" : $"More ({rest.Count})";
        // Inside the shown card too, no row holds more than Teams shows: one ActionSet per six.
        var rows = rest.Chunk(MaxTopLevelActions).Select(row => (JsonNode)new JsonObject { ["type"] = "ActionSet", ["actions"] = new JsonArray([.. row]) });
        var more = new JsonObject
        {
            ["type"] = "Action.ShowCard",
            ["title"] = title,
            ["card"] = new JsonObject { ["type"] = "AdaptiveCard", ["body"] = new JsonArray([.. rows]) },
        };
        return new JsonArray([.. buttons.Take(shown), more]);
    }

    /// <summary>The line Teams shows in notifications and the activity feed.</summary>
    public static string Summary(ChatMessage message) => message.NotificationLine(200);

    /// <summary>
    /// <c>[title](url)</c> when <see cref="LinkPolicy"/> allows the address, else the title and the address as escaped
    /// text; the title is escaped either way, so it can neither end the link early nor mention anyone.
    /// </summary>
    private static string Link(MessageLink link) => LinkPolicy.IsSafe(link.Url)
        ? $"[{AdaptiveCardText.Escape(link.Title)}]({CardUrls.Escape(link.Url)})"
        : $"{AdaptiveCardText.Escape(link.Title)}: {AdaptiveCardText.Escape(link.Url)}";

    private static JsonObject Execute(string title, string command, ButtonStyle style)
    {
        var action = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = title,
            ["verb"] = Verb,
            ["data"] = new JsonObject { ["command"] = command },
            // Clients before Adaptive Cards 1.4 know no Action.Execute: a submit of the same command (a message activity
            // whose value holds it) does the same.
            ["fallback"] = new JsonObject { ["type"] = "Action.Submit", ["title"] = title, ["data"] = new JsonObject { ["command"] = command } },
        };
        if (style != ButtonStyle.Default)
        {
            action["style"] = style == ButtonStyle.Primary ? "positive" : "destructive";
        }
        return action;
    }

    private static JsonObject Text(string text, string? weight = null, string? size = null, string? color = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (weight is not null)
        {
            block["weight"] = weight;
        }
        if (size is not null)
        {
            block["size"] = size;
        }
        if (color is not null)
        {
            block["color"] = color;
        }
        return block;
    }
}
