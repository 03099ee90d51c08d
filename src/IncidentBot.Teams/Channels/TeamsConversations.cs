using IncidentBot.Storage;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Channels;

/// <summary>What the bot learned about Teams conversations: which incident a thread is, and the team's service URL.</summary>
internal sealed class TeamsConversations(IPlatformReferenceStore references, IOptions<TeamsOptions> options)
{
    private const string ServiceUrlKey = "teams:serviceUrl";
    private const string TeamKey = "teams:installedTeam";
    private const string TenantKey = "teams:tenant";

    /// <summary>The service URL Teams last sent activities from; the documented global one until then.</summary>
    public string ServiceUrl => references.FindReference(ServiceUrlKey) ?? options.Value.DefaultServiceUrl;

    public void RememberServiceUrl(string? serviceUrl)
    {
        if (!string.IsNullOrWhiteSpace(serviceUrl) && references.FindReference(ServiceUrlKey) != serviceUrl)
        {
            references.SaveReference(ServiceUrlKey, serviceUrl);
        }
    }

    /// <summary>The team incident channels go to: <c>Teams:TeamId</c>, else the team the bot was installed in.</summary>
    public string? Team => string.IsNullOrWhiteSpace(options.Value.TeamId) ? references.FindReference(TeamKey) : options.Value.TeamId;

    /// <summary>The tenant proactive threads are started in: <c>Teams:TenantId</c>, else the one Teams reported.</summary>
    public string? Tenant => string.IsNullOrWhiteSpace(options.Value.TenantId) ? references.FindReference(TenantKey) : options.Value.TenantId;

    /// <summary>Remembers the team (its Microsoft 365 group id) and tenant from an installation event.</summary>
    public void RememberInstallation(string? teamGroupId, string? tenantId)
    {
        if (!string.IsNullOrWhiteSpace(teamGroupId))
        {
            references.SaveReference(TeamKey, teamGroupId);
        }
        if (!string.IsNullOrWhiteSpace(tenantId))
        {
            references.SaveReference(TenantKey, tenantId);
        }
    }

    public void Remember(string conversationId, int incidentNumber) => references.SaveReference(Key(conversationId), incidentNumber.ToString());

    /// <summary>The incident a conversation (a channel thread) belongs to; replies in a thread carry the thread's id.</summary>
    public int? IncidentOf(string? conversationId) =>
        conversationId is not null && int.TryParse(references.FindReference(Key(conversationId)), out var number) ? number : null;

    private static string Key(string conversationId) => $"teams:incident-of:{conversationId}";
}
