using System.Text;
using System.Text.Encodings.Web;
using IncidentBot.Chat;
using IncidentBot.Runbooks.Rendering;

namespace IncidentBot.WebConsole;

/// <summary>Renders a neutral chat message as HTML for the web console; Markdown goes through the Markdig pipeline.</summary>
internal static class WebMessageRenderer
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Render(ChatMessage message)
    {
        var html = new StringBuilder();
        var css = $"msg msg-{RoomMessageResponse.KindOf(message.Kind)}{(message.IsDrill ? " msg-drill" : "")}{(message.Audience == MessageAudience.Requester ? " msg-private" : "")}";
        html.Append($"<div class=\"{css}\">");
        if (message.IsDrill)
        {
            html.Append("<span class=\"drill-badge\">DRILL</span>");
        }
        foreach (var block in message.Blocks)
        {
            html.Append(block switch
            {
                HeaderBlock header => $"<div class=\"msg-header\">{Encode(header.Text)}</div>",
                TextBlock text => $"<div class=\"msg-text\">{HtmlStepRenderer.Render(text.Markdown)}</div>",
                MentionBlock mention => $"<div class=\"msg-text\"><strong class=\"msg-mention\">@{Encode(mention.Handle)}</strong> {HtmlStepRenderer.Render(mention.Markdown)}</div>",
                PlainTextBlock plain => $"<div class=\"msg-plain\">{Encode(plain.Text)}</div>",
                LinksBlock links => "<div class=\"msg-links\">" + string.Concat(links.Links.Select(Link)) + "</div>",
                FieldsBlock fields => "<dl class=\"msg-fields\">" + string.Concat(fields.Fields.Select(f => $"<div><dt>{Encode(f.Label)}</dt><dd>{Encode(f.Value)}</dd></div>")) + "</dl>",
                ChecklistBlock checklist => "<ul class=\"msg-checklist\">" + string.Concat(checklist.Items.Select(Item)) + "</ul>",
                TeamCallBlock call => TeamCall(call),
                ButtonsBlock buttons => "<div class=\"msg-buttons\">" + string.Concat(buttons.Buttons.Select(Button)) + "</div>",
                _ => "",
            });
        }
        html.Append("</div>");
        return html.ToString();
    }

    /// <summary>The owning team, whether it was invited or mentioned, and where (each platform's outcome is on the timeline).</summary>
    private static string TeamCall(TeamCallBlock call)
    {
        var where = new List<string>();
        if (call.SlackUsergroup is { } slack)
        {
            where.Add($"Slack user group {Encode(slack)}");
        }
        if (call.TeamsTeam is { } teams)
        {
            where.Add($"Teams team {Encode(teams)}");
        }
        var through = where.Count == 0 ? " (no Slack user group or Teams team in the catalog)" : $" through {string.Join(" and ", where)}";
        return $"<div class=\"msg-team-call msg-team-{call.Verb}\"><strong>Owning team: {Encode(call.Team)}</strong> — {call.Verb} ({Encode(call.Severity)}){through}</div>";
    }

    private static string Item(ChecklistItem item) =>
        $"<li><button type=\"button\" class=\"check{(item.Checked ? " checked" : "")}\" data-command=\"{Encode(item.Command)}\" aria-pressed=\"{(item.Checked ? "true" : "false")}\">"
        + $"<span class=\"box\">{(item.Checked ? "☑" : "☐")}</span> {Encode(item.Text)}</button></li>";

    /// <summary>A link only to an address <see cref="LinkPolicy"/> allows, opened in a new tab; any other address is text.</summary>
    private static string Link(MessageLink link) => LinkPolicy.IsSafe(link.Url)
        ? $"<a href=\"{Encode(link.Url.Replace(" ", "%20", StringComparison.Ordinal))}\" target=\"_blank\" rel=\"noopener noreferrer\">{Encode(link.Title)}</a>"
        : $"<span class=\"msg-link-text\">{Encode(link.Title)}: {Encode(link.Url)}</span>";

    private static string Button(MessageButton button) =>
        $"<button type=\"button\" class=\"btn btn-{button.Style.ToString().ToLowerInvariant()}\" data-command=\"{Encode(button.Command)}\">{Encode(button.Label)}</button>";

    private static string Encode(string text) => Encoder.Encode(text);
}
