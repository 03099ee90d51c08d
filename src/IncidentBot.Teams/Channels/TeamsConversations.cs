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
    /// <summary>Remembers where an (allowed, verified) activity came from, for its conversation and its tenant.</summary>
    public async Task RememberServiceUrlAsync(Uri serviceUrl, string? conversationId, string? tenantId, CancellationToken cancellationToken)
    {
        await SaveAsync(TeamsReferences.ConversationServiceUrl, conversationId, serviceUrl, cancellationToken);
        await SaveAsync(TeamsReferences.TenantServiceUrl, tenantId, serviceUrl, cancellationToken);
    }

    /// <summary>Where to post into a conversation: its own service URL, else its tenant's.</summary>
    public async Task<string> ServiceUrlForAsync(string conversationId, CancellationToken cancellationToken) =>
        Allowed(await references.FindAsync(TeamsReferences.ConversationServiceUrl, conversationId, cancellationToken)) ?? await TenantServiceUrlAsync(cancellationToken);

    /// <summary>
    /// Where to start threads in <see cref="TenantAsync"/>: the service URL its activities came from, else the one
    /// stored by an older version, else <c>Teams:DefaultServiceUrl</c>. A stored URL no longer allowed is skipped.
    /// </summary>
    public async Task<string> TenantServiceUrlAsync(CancellationToken cancellationToken) =>
        (await TenantAsync(cancellationToken) is { } tenant ? Allowed(await references.FindAsync(TeamsReferences.TenantServiceUrl, tenant, cancellationToken)) : null)
        ?? Allowed(await references.FindAsync(TeamsReferences.LegacyServiceUrl, TeamsReferences.Installation, cancellationToken))
        ?? options.Value.DefaultServiceUrl;

    private string? Allowed(TeamsServiceUrl? serviceUrl) => allowList.Allow(serviceUrl?.Url)?.AbsoluteUri;

    private async Task SaveAsync(PlatformReference<TeamsServiceUrl> reference, string? id, Uri serviceUrl, CancellationToken cancellationToken)
    {
        // Teams' ids are short plain text; an id that cannot be a storage key is not one Teams gave: nothing is kept for it.
        if (id is not null && PlatformReference.IsStorableKey(id) && (await references.FindAsync(reference, id, cancellationToken))?.Url != serviceUrl.AbsoluteUri)
        {
            await references.SaveAsync(reference, id, new TeamsServiceUrl(serviceUrl.AbsoluteUri), incidentNumber: null, cancellationToken);
        }
    }

    /// <summary>The team incident channels go to: <c>Teams:TeamId</c>, else the team the bot was installed in.</summary>
    public async Task<string?> TeamAsync(CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(options.Value.TeamId)
            ? (await references.FindAsync(TeamsReferences.InstalledTeam, TeamsReferences.Installation, cancellationToken))?.GroupId
            : options.Value.TeamId;

    /// <summary>The tenant proactive threads are started in: <c>Teams:TenantId</c>, else the one Teams reported.</summary>
    public async Task<string?> TenantAsync(CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(options.Value.TenantId)
            ? (await references.FindAsync(TeamsReferences.Tenant, TeamsReferences.Installation, cancellationToken))?.Id
            : options.Value.TenantId;

    /// <summary>Remembers the team (its Microsoft 365 group id) and tenant from an installation event.</summary>
    public async Task RememberInstallationAsync(string? teamGroupId, string? tenantId, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(teamGroupId))
        {
            await references.SaveAsync(TeamsReferences.InstalledTeam, TeamsReferences.Installation, new TeamsTeam(teamGroupId), incidentNumber: null, cancellationToken);
        }
        if (!string.IsNullOrWhiteSpace(tenantId))
        {
            await references.SaveAsync(TeamsReferences.Tenant, TeamsReferences.Installation, new TeamsTenant(tenantId), incidentNumber: null, cancellationToken);
        }
    }

    public ValueTask RememberAsync(string conversationId, int incidentNumber, CancellationToken cancellationToken) =>
        references.SaveAsync(TeamsReferences.IncidentOfConversation, conversationId, new TeamsConversationIncident(incidentNumber), incidentNumber, cancellationToken);

    /// <summary>The incident a conversation (a channel thread) belongs to; replies in a thread carry the thread's id.</summary>
    public async Task<int?> IncidentOfAsync(string? conversationId, CancellationToken cancellationToken) =>
        conversationId is null ? null : (await references.FindAsync(TeamsReferences.IncidentOfConversation, conversationId, cancellationToken))?.IncidentNumber;
}
