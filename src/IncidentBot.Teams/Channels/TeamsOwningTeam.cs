using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Catalog;
using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Teams.Api;
using IncidentBot.Teams.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Channels;

/// <summary>
/// Reaches an incident's owning team in Teams (<c>incidentbot.io/teams-team</c>, its Microsoft 365 group id): Graph
/// gives the team's name and thread id (<c>GET /teams/{id}</c>, <c>internalId</c>, which is its General channel's id),
/// and the bot starts a thread there through the Bot Connector with the incident and where to join it. Invited
/// (SEV1–2), the thread @mentions each of the team's members (<c>pagedmembers</c>, at most
/// <see cref="MaxMentions"/>), so each is notified; mentioned (SEV3–4), it is a post in the team's channel.
/// </summary>
/// <remarks>
/// Why not an @team mention: the Bot Connector's mention entity names a user (or a tag, within the same team), and
/// Teams does not let a bot mention a team or a channel (OfficeDev/BotBuilder-MicrosoftTeams#139). Nor are the people
/// added to the incidents team: that needs a tenant-wide write permission the bot does not ask for. The bot must be
/// installed in the owning team, which also grants the <c>TeamSettings.Read.Group</c> consent the lookup needs.
/// </remarks>
internal sealed class TeamsOwningTeam(
    TeamsGraphChannels graph,
    BotConnectorClient connector,
    TeamsConversations conversations,
    IIncidentStore incidents,
    IConsoleLinks console,
    IOptions<TeamsOptions> options,
    ILogger<TeamsOwningTeam> logger)
{
    /// <summary>Members @mentioned in one invitation: each mention is a notification, and the post must stay small.</summary>
    public const int MaxMentions = 50;

    /// <summary>What the timeline says when the catalog gives the team no Teams team: nothing is posted then.</summary>
    public static string NotInCatalog(TeamCallBlock call) =>
        $"the {call.Team} team has no `{CatalogRouting.TeamsTeam}` in the catalog, so nobody was {call.Verb} in Teams";

    /// <summary>The call as the incident's thread shows it (without its Teams team when it could not be reached) and what happened.</summary>
    public async Task<(TeamCallBlock Shown, string Outcome, bool Failed)> CallAsync(ChannelBinding channel, int? number, TeamCallBlock call, CancellationToken cancellationToken)
    {
        var teamId = call.TeamsTeam ?? throw new ArgumentException("A team call without a Teams team is not Teams' to make.", nameof(call));
        try
        {
            var (name, thread) = await graph.TeamAsync(teamId, cancellationToken);
            var serviceUrl = await conversations.TenantServiceUrlAsync(cancellationToken);
            var members = call.Invite ? await MembersAsync(serviceUrl, thread, cancellationToken) : [];
            var incident = number is { } n ? await incidents.FindAsync(n, cancellationToken) : null;
            await connector.CreateThreadAsync(serviceUrl, thread, await conversations.TenantAsync(cancellationToken), options.Value.AppId!,
                Announcement(call, incident, channel, members), cancellationToken);
            var mentioned = members.Count == 0 ? "" : $", mentioning {members.Count} {(members.Count == 1 ? "member" : "members")}";
            return (call, $"{call.ToPlainText()}: a post in {name}'s General channel{mentioned}", false);
        }
        catch (TeamsApiException ex) when (!ex.Transient)
        {
            logger.LogWarning("Teams refused {Operation} for team {TeamsTeam}: {Problem}", ex.Operation, teamId, ex.Message);
            return (call with { TeamsTeam = null }, $"the {call.Team} team was not {call.Verb}: {Why(ex, teamId)}", true);
        }
    }

    private async Task<IReadOnlyList<(string Id, string Name)>> MembersAsync(string serviceUrl, string thread, CancellationToken cancellationToken)
    {
        var members = new List<(string Id, string Name)>();
        string? next = null;
        do
        {
            var page = await connector.GetPagedMembersAsync(serviceUrl, thread, pageSize: MaxMentions, next, cancellationToken);
            members.AddRange(page.Members
                .Select(m => (Id: m["id"]?.GetValue<string>(), Name: m["name"]?.GetValue<string>()))
                .Where(m => !string.IsNullOrWhiteSpace(m.Id) && !string.IsNullOrWhiteSpace(m.Name))
                .Select(m => (m.Id!, m.Name!)));
            next = page.Next;
        }
        while (next is not null && members.Count < MaxMentions);
        return members.Take(MaxMentions).ToList();
    }

    /// <summary>
    /// The post in the owning team's General channel: a card with the incident and where to join it, and, when the team
    /// is invited, one <c>&lt;at&gt;</c> mention per member in the activity's text (the mention's text must be the
    /// same characters there and in its entity, so the name is HTML-encoded once, for both).
    /// </summary>
    private JsonObject Announcement(TeamCallBlock call, Incident? incident, ChannelBinding channel, IReadOnlyList<(string Id, string Name)> members)
    {
        var what = incident is null ? "An incident" : $"{incident.Reference} · {incident.Severity.Display()} · {incident.Title}";
        var link = incident is null ? null : console.Incident(incident.Number);
        var ask = call.Invite
            ? $"You are invited ({call.Severity}): an incident hit a service the {call.Team} team owns. Join its thread {channel.Name} in the incidents team."
            : $"Heads-up ({call.Severity}): an incident hit a service the {call.Team} team owns. Its thread is {channel.Name} in the incidents team; join if you can help.";
        var message = new ChatMessage
        {
            Kind = MessageKind.Event,
            Blocks = [new HeaderBlock(what), new PlainTextBlock(ask), .. link is null ? Array.Empty<MessageBlock>() : [new LinksBlock([new MessageLink("Open it in the console", link)])]],
        };
        var activity = AdaptiveCardMessageRenderer.Activity(message);
        if (members.Count > 0)
        {
            var mentions = members.Select(m => (m.Id, Text: $"<at>{WebUtility.HtmlEncode(m.Name)}</at>", m.Name)).ToList();
            activity["text"] = string.Join(" ", mentions.Select(m => m.Text));
            activity["textFormat"] = "xml";
            activity["entities"] = new JsonArray(mentions.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = "mention",
                ["text"] = m.Text,
                ["mentioned"] = new JsonObject { ["id"] = m.Id, ["name"] = m.Name },
            }).ToArray());
        }
        return activity;
    }

    private static string Why(TeamsApiException ex, string teamId) => (ex.Operation, ex.Status) switch
    {
        ("get team", 404) => $"Teams has no team {teamId} (check `{CatalogRouting.TeamsTeam}`: the team's groupId)",
        ("get team", 403) => "the bot may not read that team: install the IncidentBot app in it (which grants TeamSettings.Read.Group), see docs/teams-setup.md",
        (_, 403) => $"Teams refused the bot ({ex.Operation}): install the IncidentBot app in that team",
        _ => $"Teams {ex.Operation} answered {ex.Status}",
    };
}
