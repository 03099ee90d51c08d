using IncidentBot.Storage;
using IncidentBot.Teams.Api;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Channels;

/// <summary>
/// What the bot learned about Teams conversations: which incident a thread is, and the service URL of each
/// conversation and tenant (Teams may serve two tenants, or a tenant's conversations, from different regions).
/// </summary>
internal sealed class TeamsConversations(IPlatformReferenceStore references, ServiceUrlAllowList allowList, IOptions<TeamsOptions> options)
{
    private const string TeamKey = "teams:installedTeam";
    private const string TenantKey = "teams:tenant";

    // One service URL for the whole bot, as stored before service URLs were kept per conversation and tenant.
    private const string LegacyServiceUrlKey = "teams:serviceUrl";

    private const int MaxKeyLength = 600;

    /// <summary>Remembers where an (allowed, verified) activity came from, for its conversation and its tenant.</summary>
    public void RememberServiceUrl(Uri serviceUrl, string? conversationId, string? tenantId)
    {
        Save(conversationId is null ? null : ConversationServiceUrlKey(conversationId), serviceUrl);
        Save(tenantId is null ? null : TenantServiceUrlKey(tenantId), serviceUrl);
    }

    /// <summary>Where to post into a conversation: its own service URL, else its tenant's.</summary>
    public string ServiceUrlFor(string conversationId) => Allowed(references.FindReference(ConversationServiceUrlKey(conversationId))) ?? TenantServiceUrl;

    /// <summary>
    /// Where to start threads in <see cref="Tenant"/>: the service URL its activities came from, else the one
    /// stored by an older version, else <c>Teams:DefaultServiceUrl</c>. A stored URL no longer allowed is skipped.
    /// </summary>
    public string TenantServiceUrl =>
        (Tenant is { } tenant ? Allowed(references.FindReference(TenantServiceUrlKey(tenant))) : null)
        ?? Allowed(references.FindReference(LegacyServiceUrlKey))
        ?? options.Value.DefaultServiceUrl;

    private string? Allowed(string? serviceUrl) => allowList.Allow(serviceUrl)?.AbsoluteUri;

    private void Save(string? key, Uri serviceUrl)
    {
        // Teams' ids are short; an id too long to be a storage key is not one Teams gave, and nothing is kept for it.
        if (key is { Length: <= MaxKeyLength } && references.FindReference(key) != serviceUrl.AbsoluteUri)
        {
            references.SaveReference(key, serviceUrl.AbsoluteUri);
        }
    }

    private static string ConversationServiceUrlKey(string conversationId) => $"teams:serviceUrl:conversation:{conversationId}";

    private static string TenantServiceUrlKey(string tenantId) => $"teams:serviceUrl:tenant:{tenantId}";

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
