using System.Collections.Concurrent;
using IncidentBot.Chat;
using IncidentBot.Slack.Api;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Channels;

/// <summary>
/// Reaches an incident's owning team through its Slack user group (<c>incidentbot.io/slack-usergroup</c>): a handle
/// is turned into the group's id (<c>usergroups.list</c>, remembered), and for an invitation the group's members
/// (<c>usergroups.users.list</c>) are invited into the incident channel at most <see cref="InviteBatch"/> at a time.
/// </summary>
/// <remarks>
/// A rate limit (or another transient failure) is thrown, so the outbox tries the whole message again later: inviting
/// twice is harmless (<c>already_in_channel</c>). Any other refusal (a missing scope, an unknown group) is an outcome
/// for the timeline, and the message is still posted, naming the team in words.
/// </remarks>
internal sealed class SlackOwningTeam(SlackWebApiClient slack, ILogger<SlackOwningTeam> logger)
{
    /// <summary>Ids per <c>conversations.invite</c> call: the limit in our protocol notes (Slack's reference now says 1,000).</summary>
    public const int InviteBatch = 100;

    private readonly ConcurrentDictionary<string, string> _handles = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the timeline says when the catalog gives the team no Slack user group: nothing is posted then.</summary>
    public static string NotInCatalog(TeamCallBlock call) =>
        $"the {call.Team} team has no `{Catalog.CatalogRouting.SlackUsergroup}` in the catalog, so nobody was {call.Verb} in Slack";

    /// <summary>The call as Slack shows it (the group's id when known, for a real mention) and what happened.</summary>
    public async Task<(TeamCallBlock Shown, string Outcome, bool Failed)> CallAsync(string channel, TeamCallBlock call, CancellationToken cancellationToken)
    {
        var configured = call.SlackUsergroup ?? throw new ArgumentException("A team call without a Slack user group is not Slack's to make.", nameof(call));
        var shown = IsId(configured) ? configured : "@" + configured.TrimStart('@');
        try
        {
            if (await ResolveAsync(configured, cancellationToken) is not { } id)
            {
                return (call with { SlackUsergroup = null }, $"no Slack user group has the handle {shown}, so the {call.Team} team was not {call.Verb}", true);
            }
            var resolved = call with { SlackUsergroup = id };
            if (!call.Invite)
            {
                return (resolved, $"{call.ToPlainText()}: {shown}", false);
            }
            var invited = await InviteMembersAsync(channel, id, cancellationToken);
            return (resolved, $"{call.ToPlainText()}: {invited} {(invited == 1 ? "person" : "people")} of {shown}", false);
        }
        catch (SlackApiException ex) when (!ex.Transient)
        {
            logger.LogWarning("Slack refused {Method} for user group {Usergroup}: {Error}", ex.Method, configured, ex.Error);
            return (call with { SlackUsergroup = null }, $"the {call.Team} team was not {call.Verb}: {Why(ex, shown)}", true);
        }
    }

    private async Task<string?> ResolveAsync(string configured, CancellationToken cancellationToken)
    {
        if (IsId(configured))
        {
            return configured;
        }
        var handle = configured.TrimStart('@');
        if (_handles.TryGetValue(handle, out var known))
        {
            return known;
        }
        var match = (await slack.UsergroupsAsync(cancellationToken)).FirstOrDefault(g => string.Equals(g.Handle, handle, StringComparison.OrdinalIgnoreCase));
        return match.Id is null ? null : _handles[handle] = match.Id;
    }

    /// <summary>Invites every member; returns how many were asked for.</summary>
    private async Task<int> InviteMembersAsync(string channel, string usergroupId, CancellationToken cancellationToken)
    {
        var members = (await slack.UsergroupMembersAsync(usergroupId, cancellationToken)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var batch in members.Chunk(InviteBatch))
        {
            try
            {
                await slack.InviteAsync(channel, batch, cancellationToken);
            }
            catch (SlackApiException ex) when (ex.Error is "already_in_channel")
            {
            }
        }
        return members.Count;
    }

    /// <summary>The catalog takes ids (<c>S0614TZR7</c>) in upper case and handles in lower case only.</summary>
    public static bool IsId(string usergroup) => usergroup.Length > 1 && usergroup[0] == 'S' && usergroup.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    private static string Why(SlackApiException ex, string shown) => ex.Error switch
    {
        "missing_scope" => $"the Slack app lacks the `usergroups:read` scope ({ex.Method}); add it and reinstall the app (docs/slack-setup.md)",
        "no_such_subteam" or "subteam_not_found" or "invalid_usergroup" => $"Slack has no user group {shown}",
        "plan_upgrade_required" or "paid_teams_only" => "user groups need a paid Slack plan",
        _ => $"Slack {ex.Method} answered {ex.Error}",
    };
}
