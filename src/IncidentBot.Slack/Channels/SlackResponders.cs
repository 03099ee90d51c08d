using System.Collections.Concurrent;
using IncidentBot.Incidents;
using IncidentBot.Slack.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Channels;

/// <summary>
/// Invites the configured responders (user ids, or emails looked up once) into an incident channel, and the people a
/// message mentions (<see cref="PullInAsync"/>).
/// </summary>
internal sealed class SlackResponders(SlackWebApiClient slack, IOptions<SlackOptions> options, ILogger<SlackResponders> logger)
{
    private readonly ConcurrentDictionary<string, string?> _emails = new(StringComparer.OrdinalIgnoreCase);

    public async Task InviteAsync(Incident incident, string channel, CancellationToken cancellationToken)
    {
        // A drill pages nobody outside its participants.
        var wanted = incident.IsDrill ? incident.Participants.AsEnumerable() : options.Value.InviteUsers;
        if (!incident.IsDrill && incident.Service is { } service && options.Value.InviteByService.TryGetValue(service, out var forService))
        {
            wanted = wanted.Concat(forService);
        }
        var ids = new List<string>();
        foreach (var who in wanted.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if ((who.Contains('@') ? await LookUpAsync(who, cancellationToken) : who) is { } id)
            {
                ids.Add(id);
            }
        }
        if (ids.Count == 0)
        {
            return;
        }
        try
        {
            await slack.InviteAsync(channel, ids, cancellationToken);
        }
        catch (SlackApiException ex) when (ex.Error == "already_in_channel")
        {
        }
    }

    /// <summary>
    /// The people a message mentions, found by e-mail (<c>users.lookupByEmail</c>) and invited into the channel, as
    /// e-mail → Slack user id. Nobody here fails the message: a person without an e-mail, unknown to Slack, or whom
    /// Slack would not look up or invite is left out (named as text) and the log says why.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> PullInAsync(string channel, IReadOnlyList<Chat.MentionBlock> mentions, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mention in mentions)
        {
            if (mention.Email is not { } email)
            {
                logger.LogInformation("{Person} has no e-mail, so Slack names them as text and does not invite them", mention.Handle);
                continue;
            }
            try
            {
                if (await LookUpAsync(email, cancellationToken) is { } id)
                {
                    found[email] = id;
                }
            }
            catch (SlackApiException ex)
            {
                logger.LogWarning("Could not look up {Person} in Slack by e-mail ({Error}); named as text", mention.Handle, ex.Error);
            }
        }
        if (found.Count == 0)
        {
            return found;
        }
        try
        {
            await slack.InviteAsync(channel, found.Values.Distinct(), cancellationToken);
        }
        catch (SlackApiException ex) when (ex.Error == "already_in_channel")
        {
        }
        catch (SlackApiException ex)
        {
            logger.LogWarning("Could not invite {People} into {Channel}: {Error}", string.Join(", ", mentions.Select(m => m.Handle)), channel, ex.Error);
        }
        return found;
    }

    private async Task<string?> LookUpAsync(string email, CancellationToken cancellationToken)
    {
        if (_emails.TryGetValue(email, out var known))
        {
            return known;
        }
        var id = await slack.LookupUserIdByEmailAsync(email, cancellationToken);
        if (id is null)
        {
            logger.LogWarning("No Slack user has the email {Email}; not invited", email);
        }
        return _emails[email] = id;
    }
}
