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
    public async Task RememberServiceUrlAsync(Uri serviceUrl, string? conversationId, string? tenantId, CancellationToken cancellationToken)
    {
        await SaveAsync(conversationId is null ? null : ConversationServiceUrlKey(conversationId), serviceUrl, cancellationToken);
        await SaveAsync(tenantId is null ? null : TenantServiceUrlKey(tenantId), serviceUrl, cancellationToken);
    }

    /// <summary>Where to post into a conversation: its own service URL, else its tenant's.</summary>
    public async Task<string> ServiceUrlForAsync(string conversationId, CancellationToken cancellationToken) =>
        Allowed(await references.FindReferenceAsync(ConversationServiceUrlKey(conversationId), cancellationToken)) ?? await TenantServiceUrlAsync(cancellationToken);

    /// <summary>
    /// Where to start threads in <see cref="TenantAsync"/>: the service URL its activities came from, else the one
    /// stored by an older version, else <c>Teams:DefaultServiceUrl</c>. A stored URL no longer allowed is skipped.
    /// </summary>
    public async Task<string> TenantServiceUrlAsync(CancellationToken cancellationToken) =>
        (await TenantAsync(cancellationToken) is { } tenant ? Allowed(await references.FindReferenceAsync(TenantServiceUrlKey(tenant), cancellationToken)) : null)
        ?? Allowed(await references.FindReferenceAsync(LegacyServiceUrlKey, cancellationToken))
        ?? options.Value.DefaultServiceUrl;

    private string? Allowed(string? serviceUrl) => allowList.Allow(serviceUrl)?.AbsoluteUri;

    private async Task SaveAsync(string? key, Uri serviceUrl, CancellationToken cancellationToken)
    {
        // Teams' ids are short; an id too long to be a storage key is not one Teams gave, and nothing is kept for it.
        if (key is { Length: <= MaxKeyLength } && await references.FindReferenceAsync(key, cancellationToken) != serviceUrl.AbsoluteUri)
        {
            await references.SaveReferenceAsync(key, serviceUrl.AbsoluteUri, cancellationToken);
        }
    }

    private static string ConversationServiceUrlKey(string conversationId) => $"teams:serviceUrl:conversation:{conversationId}";

    private static string TenantServiceUrlKey(string tenantId) => $"teams:serviceUrl:tenant:{tenantId}";

    /// <summary>The team incident channels go to: <c>Teams:TeamId</c>, else the team the bot was installed in.</summary>
    public async Task<string?> TeamAsync(CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(options.Value.TeamId) ? await references.FindReferenceAsync(TeamKey, cancellationToken) : options.Value.TeamId;

    /// <summary>The tenant proactive threads are started in: <c>Teams:TenantId</c>, else the one Teams reported.</summary>
    public async Task<string?> TenantAsync(CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(options.Value.TenantId) ? await references.FindReferenceAsync(TenantKey, cancellationToken) : options.Value.TenantId;

    /// <summary>Remembers the team (its Microsoft 365 group id) and tenant from an installation event.</summary>
    public async Task RememberInstallationAsync(string? teamGroupId, string? tenantId, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(teamGroupId))
        {
            await references.SaveReferenceAsync(TeamKey, teamGroupId, cancellationToken);
        }
        if (!string.IsNullOrWhiteSpace(tenantId))
        {
            await references.SaveReferenceAsync(TenantKey, tenantId, cancellationToken);
        }
    }

    public ValueTask RememberAsync(string conversationId, int incidentNumber, CancellationToken cancellationToken) =>
        references.SaveReferenceAsync(Key(conversationId), incidentNumber.ToString(), cancellationToken);

    /// <summary>The incident a conversation (a channel thread) belongs to; replies in a thread carry the thread's id.</summary>
    public async Task<int?> IncidentOfAsync(string? conversationId, CancellationToken cancellationToken) =>
        conversationId is not null && int.TryParse(await references.FindReferenceAsync(Key(conversationId), cancellationToken), out var number) ? number : null;

    private static string Key(string conversationId) => $"teams:incident-of:{conversationId}";
}
