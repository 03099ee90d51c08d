namespace IncidentBot.Teams;

/// <summary>
/// The Microsoft Teams adapter. Section <c>Teams</c>; the adapter is on when <c>AppId</c> is set:
/// <code>
/// "Teams": {
///   "AppId": "…", "AppPassword": "…", "TenantId": "… (single-tenant bots)",
///   "TeamId": "… (the team's Microsoft 365 group id)", "IncidentsChannelId": "19:…@thread.tacv2",
///   "OpenIdMetadataUrl": "https://login.botframework.com/v1/.well-known/openidconfiguration",
///   "TokenEndpoint": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
///   "GraphBaseUrl": "https://graph.microsoft.com/v1.0/",
///   "AllowedServiceUrls": [ "https://smba.trafficmanager.net/" ]
/// }
/// </code>
/// </summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    public string? AppId { get; set; }

    public string? AppPassword { get; set; }

    /// <summary>The bot's home tenant; empty for a (legacy) multi-tenant bot.</summary>
    public string? TenantId { get; set; }

    /// <summary>The team (Microsoft 365 group id) where incident channels are created through Graph.</summary>
    public string? TeamId { get; set; }

    /// <summary>Where incident threads go when a channel cannot be created.</summary>
    public string? IncidentsChannelId { get; set; }

    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Issuer of the Bot Connector's tokens.</summary>
    public string ValidIssuer { get; set; } = "https://api.botframework.com";

    /// <summary>Client-credentials endpoint; empty means Entra's, for <see cref="TenantId"/> or botframework.com.</summary>
    public string? TokenEndpoint { get; set; }

    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com/v1.0/";

    /// <summary>Where proactive messages go before the bot has seen the team's own service URL.</summary>
    public string DefaultServiceUrl { get; set; } = "https://smba.trafficmanager.net/teams/";

    /// <summary>
    /// URL prefixes an activity's <c>serviceUrl</c> must lie under before the bot acts on it or sends its token
    /// there; empty means <see cref="MicrosoftServiceUrls"/>. A list, not a default value, because configuration
    /// binding appends to a list that already has items.
    /// </summary>
    public List<string> AllowedServiceUrls { get; set; } = [];

    /// <summary>
    /// The Bot Connector hosts of Teams' clouds: public (every region, e.g. <c>/amer/</c>, <c>/emea/</c>,
    /// <c>/teams/</c>), GCC, GCC High and DoD (the last two also need the Azure Government token settings).
    /// </summary>
    public static readonly IReadOnlyList<string> MicrosoftServiceUrls =
    [
        "https://smba.trafficmanager.net/",
        "https://smba.infra.gcc.teams.microsoft.com/",
        "https://smba.infra.gov.teams.microsoft.us/",
        "https://smba.infra.dod.teams.microsoft.us/",
    ];

    public IReadOnlyList<string> EffectiveAllowedServiceUrls => AllowedServiceUrls.Count > 0 ? AllowedServiceUrls : MicrosoftServiceUrls;

    public bool Enabled => !string.IsNullOrWhiteSpace(AppId);

    public string EffectiveTokenEndpoint => !string.IsNullOrWhiteSpace(TokenEndpoint)
        ? TokenEndpoint
        : $"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : TenantId)}/oauth2/v2.0/token";
}
