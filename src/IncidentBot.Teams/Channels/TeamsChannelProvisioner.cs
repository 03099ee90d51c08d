using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Teams.Api;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Channels;

/// <summary>
/// Gives an incident its place in Teams: a standard channel in <c>Teams:TeamId</c> created through Graph, or — when
/// the app may not create channels — a new thread in <c>Teams:IncidentsChannelId</c>. Each step is remembered as
/// soon as it happened, so a retry never creates a second channel or thread.
/// </summary>
internal sealed class TeamsChannelProvisioner(
    TeamsGraphChannels graph,
    BotConnectorClient connector,
    TeamsConversations conversations,
    IPlatformReferenceStore references,
    IOptions<TeamsOptions> options,
    ILogger<TeamsChannelProvisioner> logger) : IChatChannelProvisioner
{
    public const string Name = "teams";
    private int _fallbackLogged;

    public string Platform => Name;

    public async Task<ChannelBinding> OpenChannelAsync(Incident incident, CancellationToken cancellationToken)
    {
        try
        {
            var (channelId, channelName) = await ChannelOnceAsync(incident, cancellationToken);
            var key = TeamsReferences.IncidentKey(incident.Number);
            if ((await references.FindAsync(TeamsReferences.Thread, key, cancellationToken))?.ConversationId is not { } conversationId)
            {
                var settings = options.Value;
                var starter = new System.Text.Json.Nodes.JsonObject
                {
                    ["type"] = "message",
                    ["textFormat"] = "xml",
                    ["text"] = AsHtmlText(IncidentMessages.Title(incident)),
                };
                var serviceUrl = await conversations.TenantServiceUrlAsync(cancellationToken);
                (conversationId, _) = await connector.CreateThreadAsync(serviceUrl, channelId, await conversations.TenantAsync(cancellationToken), settings.AppId!, starter, cancellationToken);
                // Remembered even when stopping: the thread exists now, and a retry must not start a second one.
                await references.SaveAsync(TeamsReferences.Thread, key, new TeamsThread(conversationId), incident.Number, CancellationToken.None);
                await conversations.RememberServiceUrlAsync(new Uri(serviceUrl), conversationId, tenantId: null, CancellationToken.None);
                await conversations.RememberAsync(conversationId, incident.Number, CancellationToken.None);
            }
            return new ChannelBinding(Name, conversationId, channelName);
        }
        catch (TeamsApiException ex)
        {
            throw ex.ToDelivery();
        }
    }

    private async Task<(string Id, string Name)> ChannelOnceAsync(Incident incident, CancellationToken cancellationToken)
    {
        var key = TeamsReferences.IncidentKey(incident.Number);
        if (await references.FindAsync(TeamsReferences.Channel, key, cancellationToken) is { } remembered)
        {
            return (remembered.Id, remembered.Name);
        }
        var (id, name) = await CreateChannelAsync(incident, cancellationToken) ?? Fallback();
        await references.SaveAsync(TeamsReferences.Channel, key, new TeamsIncidentChannel(id, name), incident.Number, CancellationToken.None);
        return (id, name);
    }

    private async Task<(string, string)?> CreateChannelAsync(Incident incident, CancellationToken cancellationToken)
    {
        var team = await conversations.TeamAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(team))
        {
            return null;
        }
        for (var attempt = 1; ; attempt++)
        {
            var name = TeamsChannelNames.For(incident, attempt);
            try
            {
                var id = await graph.CreateAsync(team, name, $"{incident.Reference}: {incident.Title}", cancellationToken);
                logger.LogInformation("Created Teams channel {Name} for {Incident}", name, incident.Reference);
                return (id, name);
            }
            catch (TeamsApiException ex) when (ex.Status == 400 && ex.Message.Contains("NameAlreadyExists") && attempt < 10)
            {
            }
            catch (TeamsApiException ex) when (ex.Status == 403)
            {
                if (Interlocked.Exchange(ref _fallbackLogged, 1) == 0)
                {
                    logger.LogWarning("The Teams app may not create channels in team {Team} ({Problem}); incidents get a thread in Teams:IncidentsChannelId instead", team, ex.Message);
                }
                return null;
            }
        }
    }

    /// <summary>
    /// The starter message is HTML (<c>textFormat: xml</c>), where the title is only text: tags and <c>&lt;at&gt;</c>
    /// mentions are encoded, and so are brackets, so no Markdown link can form from them either.
    /// </summary>
    internal static string AsHtmlText(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("[", "&#91;", StringComparison.Ordinal)
        .Replace("]", "&#93;", StringComparison.Ordinal);

    private (string, string) Fallback() =>
        string.IsNullOrWhiteSpace(options.Value.IncidentsChannelId)
            ? throw new TeamsApiException("open channel", 403, "no channel could be created (Teams:TeamId and Graph permission) and Teams:IncidentsChannelId is not set")
            : (options.Value.IncidentsChannelId!, "incidents channel thread");
}
