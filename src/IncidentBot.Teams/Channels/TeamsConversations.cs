using IncidentBot.Storage;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Channels;

/// <summary>What the bot learned about Teams conversations: which incident a thread is, and the team's service URL.</summary>
internal sealed class TeamsConversations(IPlatformReferenceStore references, IOptions<TeamsOptions> options)
{
    private const string ServiceUrlKey = "teams:serviceUrl";

    /// <summary>The service URL Teams last sent activities from; the documented global one until then.</summary>
    public string ServiceUrl => references.FindReference(ServiceUrlKey) ?? options.Value.DefaultServiceUrl;

    public void RememberServiceUrl(string? serviceUrl)
    {
        if (!string.IsNullOrWhiteSpace(serviceUrl) && references.FindReference(ServiceUrlKey) != serviceUrl)
        {
            references.SaveReference(ServiceUrlKey, serviceUrl);
        }
    }

    public void Remember(string conversationId, int incidentNumber) => references.SaveReference(Key(conversationId), incidentNumber.ToString());

    /// <summary>The incident a conversation (a channel thread) belongs to; replies in a thread carry the thread's id.</summary>
    public int? IncidentOf(string? conversationId) =>
        conversationId is not null && int.TryParse(references.FindReference(Key(conversationId)), out var number) ? number : null;

    private static string Key(string conversationId) => $"teams:incident-of:{conversationId}";
}
