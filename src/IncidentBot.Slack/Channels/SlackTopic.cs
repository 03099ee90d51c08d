using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Messages;
using IncidentBot.Storage;

namespace IncidentBot.Slack.Channels;

/// <summary>Keeps an incident channel's topic true: severity, status and commander, changed only when they change.</summary>
internal sealed class SlackTopic(SlackWebApiClient slack, IPlatformReferenceStore references)
{
    public static string For(Incident incident)
    {
        var commander = incident.Roles.TryGetValue(RoleCatalog.Commander, out var who) ? $"@{who}" : "nobody yet";
        var text = $"{(incident.IsDrill ? "DRILL · " : "")}{incident.Severity.Display()} · {incident.Status.Display()} · IC: {commander} · {incident.Title}";
        // Slack keeps topics in its message format, where `<!channel>` or `<@U123>` are markup: escaped, they stay text.
        return SlackText.Escape(text, 250);
    }

    public async Task RefreshAsync(Incident incident, string channel, CancellationToken cancellationToken)
    {
        var topic = For(incident);
        if ((await references.FindAsync(SlackReferences.Topic, channel, cancellationToken))?.Text == topic)
        {
            return;
        }
        await slack.SetTopicAsync(channel, topic, cancellationToken);
        await references.SaveAsync(SlackReferences.Topic, channel, new SlackTopicText(topic), incident.Number, cancellationToken);
    }
}
