using System.Text.Json.Nodes;
using IncidentBot.Chat;
using IncidentBot.Runbooks.Rendering;

namespace IncidentBot.Slack.Messages;

/// <summary>
/// Renders a neutral message as Block Kit: headers, mrkdwn sections (from the Markdig tree), fields, checklist
/// items with a tick button each, and action buttons whose value is the command they run. Drills say so first.
/// </summary>
public static class BlockKitRenderer
{
    /// <summary>Every button IncidentBot renders has an action id starting with this.</summary>
    public const string ActionPrefix = "incidentbot.command.";

    private const int MaxSectionText = 3000;
    private const int MaxFieldText = 2000;

    /// <summary>
    /// The notification text Slack shows where blocks cannot be (push notifications, screen readers). Slack parses it
    /// like any message text, so it is escaped: an alert titled `&lt;!channel&gt;` must not page the whole channel.
    /// </summary>
    public static string FallbackText(ChatMessage message) => SlackText.Escape(message.NotificationLine(300));

    /// <summary>
    /// The message as Block Kit within Slack's limits (<see cref="SlackMessageBudget"/>); a message cut to fit ends
    /// with <paramref name="fullTextLink"/>, where the whole of it can be read. <paramref name="slackUsers"/> (e-mail →
    /// Slack user id) turns a <see cref="MentionBlock"/> into a real mention; anyone not in it is named as text.
    /// </summary>
    public static JsonArray Blocks(ChatMessage message, string? fullTextLink = null, IReadOnlyDictionary<string, string>? slackUsers = null)
    {
        var blocks = new JsonArray();
        if (message.IsDrill)
        {
            blocks.Add(Context(":rotating_light: *DRILL* — this is an exercise, not a real incident."));
        }
        var actionIndex = 0;
        foreach (var block in message.Blocks)
        {
            switch (block)
            {
                case HeaderBlock header:
                    blocks.Add(new JsonObject { ["type"] = "header", ["text"] = PlainText(header.Text, 150) });
                    break;
                case TextBlock text:
                    foreach (var chunk in Chunks(SlackMrkdwnRenderer.Render(text.Markdown), MaxSectionText))
                    {
                        blocks.Add(Section(chunk));
                    }
                    break;
                case MentionBlock mention:
                    var who = mention.Email is { } email && slackUsers?.GetValueOrDefault(email) is { } id
                        ? $"<@{id}>"
                        : $"*@{SlackText.Escape(mention.Handle, 100)}*";
                    foreach (var chunk in Chunks($"{who} {SlackMrkdwnRenderer.Render(mention.Markdown)}", MaxSectionText))
                    {
                        blocks.Add(Section(chunk));
                    }
                    break;
                case PlainTextBlock plain:
                    foreach (var chunk in Chunks(plain.Text.Split('\n').Select(line => SlackText.Escape(line, MaxSectionText)), MaxSectionText))
                    {
                        blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = chunk.Length == 0 ? " " : chunk, ["emoji"] = false } });
                    }
                    break;
                case LinksBlock links when links.Links.Count > 0:
                    foreach (var chunk in Chunks(links.Links.Select(Link), MaxSectionText, separator: "  ·  "))
                    {
                        blocks.Add(Section(chunk));
                    }
                    break;
                case FieldsBlock fields:
                    blocks.Add(new JsonObject
                    {
                        ["type"] = "section",
                        ["fields"] = new JsonArray(fields.Fields.Take(10).Select(f => (JsonNode)Mrkdwn(Field(f.Label, f.Value))).ToArray()),
                    });
                    break;
                case ChecklistBlock checklist:
                    foreach (var item in checklist.Items)
                    {
                        var section = Section($"{(item.Checked ? "☑" : "☐")} {SlackText.Escape(item.Text, MaxSectionText - 2)}");
                        section["accessory"] = Button(item.Checked ? "Untick" : "Tick", item.Command, ButtonStyle.Default, actionIndex++);
                        blocks.Add(section);
                    }
                    break;
                case TeamCallBlock call:
                    blocks.Add(Section(TeamCall(call)));
                    break;
                case ButtonsBlock buttons when buttons.Buttons.Count > 0:
                    blocks.Add(new JsonObject
                    {
                        ["type"] = "actions",
                        ["elements"] = new JsonArray(buttons.Buttons.Take(25).Select(b => (JsonNode)Button(b.Label, b.Command, b.Style, actionIndex++)).ToArray()),
                    });
                    break;
            }
        }
        return SlackMessageBudget.Fit(blocks, message, fullTextLink);
    }

    /// <summary>
    /// The owning team called in: a real user group mention (<c>&lt;!subteam^ID&gt;</c>) only for an id the sender
    /// resolved, which is letters and digits and so cannot break out of the mention; a team Slack cannot reach is named
    /// in escaped words.
    /// </summary>
    private static string TeamCall(TeamCallBlock call)
    {
        var team = call.SlackUsergroup is { } id && Channels.SlackOwningTeam.IsId(id) ? $"<!subteam^{id}>" : $"The *{SlackText.Escape(call.Team, 80)}* team";
        return call.Invite
            ? $":rotating_light: {team}: you are invited to this incident ({call.Severity}), on a service you own."
            : $":wave: {team}: heads-up, an incident ({call.Severity}) on a service you own. Join if you can help.";
    }

    /// <summary>A label and its value as one mrkdwn field within Slack's limit, cut between entities, never inside one.</summary>
    private static string Field(string label, string value)
    {
        var name = SlackText.Escape(label, 200);
        return $"*{name}*\n{SlackText.Escape(value, MaxFieldText - name.Length - 3)}";
    }

    /// <summary>
    /// <c>&lt;url|title&gt;</c> when <see cref="LinkPolicy"/> allows the address, else the title and the address as
    /// escaped text; the title is escaped either way, so it can neither end the link early nor mention anyone.
    /// </summary>
    private static string Link(MessageLink link)
    {
        var title = SlackText.Escape(link.Title, 200);
        if (!LinkPolicy.IsSafe(link.Url))
        {
            return $"{title}: {SlackText.Escape(link.Url, MaxSectionText - title.Length - 2)}";
        }
        var markup = $"<{SlackText.Escape(link.Url.Replace("|", "%7C", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal))}|{title}>";
        // An address whose escaping (every & is &amp;) outgrows a section cannot be a link in Slack: its title says so.
        return markup.Length <= MaxSectionText ? markup : $"{title} (address too long for Slack)";
    }

    /// <summary>Pieces already escaped, joined with <paramref name="separator"/> into texts of at most <paramref name="max"/> characters.</summary>
    private static IEnumerable<string> Chunks(IEnumerable<string> pieces, int max, string separator = "\n")
    {
        var chunk = new System.Text.StringBuilder();
        foreach (var piece in pieces)
        {
            if (chunk.Length > 0 && chunk.Length + separator.Length + piece.Length > max)
            {
                yield return chunk.ToString();
                chunk.Clear();
            }
            chunk.Append(chunk.Length > 0 ? separator : "").Append(piece);
        }
        yield return chunk.ToString();
    }

    private static JsonObject Button(string label, string command, ButtonStyle style, int index)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["text"] = PlainText(label, 75),
            // The action id only has to be unique in the message; the value carries the command itself.
            ["action_id"] = $"{ActionPrefix}{index}",
            ["value"] = ChatText.Shorten(command, 2000),
        };
        if (style != ButtonStyle.Default)
        {
            button["style"] = style == ButtonStyle.Primary ? "primary" : "danger";
        }
        return button;
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };

    private static JsonObject Context(string mrkdwn) => new() { ["type"] = "context", ["elements"] = new JsonArray(Mrkdwn(mrkdwn)) };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text.Length == 0 ? " " : text };

    /// <summary>Slack decodes the three entities in plain_text too, so its text is escaped like any other.</summary>
    private static JsonObject PlainText(string text, int max) => new() { ["type"] = "plain_text", ["text"] = SlackText.Escape(text, max), ["emoji"] = true };

    /// <summary>Splits at line ends so a long step stays readable, never inside a code fence if it can help it.</summary>
    private static IEnumerable<string> Chunks(string text, int max)
    {
        while (text.Length > max)
        {
            var cut = text.LastIndexOf('\n', max - 1);
            cut = cut <= 0 ? max : cut;
            yield return text[..cut];
            text = text[cut..].TrimStart('\n');
        }
        yield return text;
    }
}
