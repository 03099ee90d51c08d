using System.Collections.Concurrent;
using IncidentBot.Incidents;
using IncidentBot.Slack.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Slack.Channels;

/// <summary>Invites the configured responders (user ids, or emails looked up once) into an incident channel.</summary>
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
