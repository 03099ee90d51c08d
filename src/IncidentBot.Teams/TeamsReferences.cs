using System.Globalization;
using IncidentBot.Storage;

namespace IncidentBot.Teams;

/// <summary>
/// Everything the Teams adapter remembers across restarts (in <see cref="IPlatformReferenceStore"/>), each with its
/// key. What belongs to an incident (its channel, thread, cards) lasts as long as the incident; what the bot learned
/// about the workspace (the installed team, the tenant, service URLs) is kept for good.
/// </summary>
internal static class TeamsReferences
{
    /// <summary>The key of a fact about the whole installation (one per bot).</summary>
    public const string Installation = "";

    /// <summary>Key: <see cref="Installation"/>. The team the bot was installed in.</summary>
    public static readonly PlatformReference<TeamsTeam> InstalledTeam = new("teams", "installed-team");

    /// <summary>Key: <see cref="Installation"/>. The tenant Teams reported when the bot was installed.</summary>
    public static readonly PlatformReference<TeamsTenant> Tenant = new("teams", "tenant");

    /// <summary>Key: <see cref="Installation"/>. One service URL for the whole bot, as an older version stored it.</summary>
    public static readonly PlatformReference<TeamsServiceUrl> LegacyServiceUrl = new("teams", "service-url");

    /// <summary>Key: a conversation id. The service URL the conversation's activities came from.</summary>
    public static readonly PlatformReference<TeamsServiceUrl> ConversationServiceUrl = new("teams", "conversation-service-url");

    /// <summary>Key: a tenant id. The service URL the tenant's activities came from.</summary>
    public static readonly PlatformReference<TeamsServiceUrl> TenantServiceUrl = new("teams", "tenant-service-url");

    /// <summary>Key: a conversation id (an incident's thread). The incident it belongs to.</summary>
    public static readonly PlatformReference<TeamsConversationIncident> IncidentOfConversation = new("teams", "incident-of");

    /// <summary>Key: the incident number. The channel created (or chosen) for the incident.</summary>
    public static readonly PlatformReference<TeamsIncidentChannel> Channel = new("teams", "channel");

    /// <summary>Key: the incident number. The thread started for the incident in its channel.</summary>
    public static readonly PlatformReference<TeamsThread> Thread = new("teams", "thread");

    /// <summary>Key: <see cref="UpdateActivityKey"/>. The card an update key replaces in place.</summary>
    public static readonly PlatformReference<TeamsActivity> UpdateActivity = new("teams", "update-activity");

    public static string IncidentKey(int incidentNumber) => incidentNumber.ToString(CultureInfo.InvariantCulture);

    /// <summary>A conversation id and a message's update key.</summary>
    public static string UpdateActivityKey(string conversationId, string updateKey) => $"{conversationId}:{updateKey}";
}

/// <summary>A team, by its Microsoft 365 group id.</summary>
internal sealed record TeamsTeam(string GroupId);

internal sealed record TeamsTenant(string Id);

internal sealed record TeamsServiceUrl(string Url);

internal sealed record TeamsConversationIncident(int IncidentNumber);

internal sealed record TeamsIncidentChannel(string Id, string Name);

/// <summary>A thread, by its conversation id.</summary>
internal sealed record TeamsThread(string ConversationId);

/// <summary>A posted activity (a card), by its id.</summary>
internal sealed record TeamsActivity(string Id);
