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
public static class AdaptiveCardMessageRenderer
{
    /// <summary>The verb every IncidentBot card action carries; its data holds the command.</summary>
    public const string Verb = "incidentbot.command";

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
        var actions = new JsonArray();
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
                        actions.Add(Execute($"{(item.Checked ? "Untick" : "Tick")} {index + 1}", item.Command, ButtonStyle.Default));
                    }
                    break;
                case ButtonsBlock buttons:
                    foreach (var button in buttons.Buttons)
                    {
                        actions.Add(Execute(button.Label, button.Command, button.Style));
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
        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }
        return card;
    }

    /// <summary>The line Teams shows in notifications and the activity feed.</summary>
    public static string Summary(ChatMessage message) => message.NotificationLine(200);

    private static JsonObject Execute(string title, string command, ButtonStyle style)
    {
        var action = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = title,
            ["verb"] = Verb,
            ["data"] = new JsonObject { ["command"] = command },
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
