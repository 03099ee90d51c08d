using System.Net;

namespace IncidentBot.WebConsole;

/// <summary>
/// Console sign-in through an OpenID Connect provider (Entra ID, Google, Okta, Keycloak, Dex). Section
/// <c>Authentication:Oidc</c>; off while <see cref="Authority"/> is empty:
/// <code>"Authentication": { "Oidc": { "Authority": "https://login.example.com/realms/ops", "ClientId": "incidentbot", "ClientSecret": "…" } }</code>
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Authentication:Oidc";

    /// <summary>The provider's issuer address; its <c>/.well-known/openid-configuration</c> is read from here.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for, separated by spaces; <c>openid</c> is required.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>The ID token claim with the display name, shown in the console's header and <c>/api/me</c> (falls back to the e-mail, then the subject).</summary>
    public string NameClaim { get; set; } = "name";

    /// <summary>
    /// The claim with the person's handle: the name on the timeline and in commands (<c>role commander @jane.doe</c>),
    /// made typeable by <see cref="Handles"/> (an e-mail or UPN is cut to its part before the @, spaces become dots).
    /// Without it: the e-mail's part before the @, then the subject.
    /// </summary>
    public string HandleClaim { get; set; } = "preferred_username";

    public string EmailClaim { get; set; } = "email";

    /// <summary>The ID token claim listing the person's groups (one claim per group, or a JSON array).</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>
    /// The audience (<c>aud</c>) of access tokens the provider issues for the bot's API. Set, the HTTP API also takes
    /// <c>Authorization: Bearer &lt;JWT&gt;</c> from this provider (issuer, audience, signature and lifetime checked); empty, it does not.
    /// </summary>
    public string? ApiAudience { get; set; }

    /// <summary>
    /// Microsoft Graph, asked for a person's groups when Entra ID leaves them out of the ID token (more than 200 groups:
    /// the overage claim). Only another address for tests or national clouds (e.g. https://graph.microsoft.us).
    /// </summary>
    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com";

    /// <summary>Only <c>false</c> for a provider on loopback, for local testing: then plain http is allowed.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Every problem with these settings, each naming its key; empty when sign-in is off or all is well.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (!Enabled)
        {
            return [];
        }
        var problems = new List<string>();
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("http" or "https"))
        {
            problems.Add($"{Section}:Authority must be the provider's absolute https address, e.g. https://login.microsoftonline.com/<tenant>/v2.0.");
        }
        else if (RequireHttpsMetadata && authority.Scheme != "https")
        {
            problems.Add($"{Section}:Authority must use https (set {Section}:RequireHttpsMetadata to false only for a provider on loopback, for local testing).");
        }
        else if (!RequireHttpsMetadata && !IsLoopback(authority))
        {
            problems.Add($"{Section}:RequireHttpsMetadata may be false only for a provider on loopback (localhost, 127.0.0.1, ::1), not {authority.Host}.");
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add($"{Section}:ClientId is required: the client (application) id registered with the provider.");
        }
        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            problems.Add($"{Section}:ClientSecret is required: the bot signs in as a confidential client (code flow with PKCE and a secret).");
        }
        if (!ScopeList.Contains("openid", StringComparer.Ordinal))
        {
            problems.Add($"{Section}:Scopes must include openid (e.g. \"openid profile email\").");
        }
        foreach (var (key, value) in new[] { ("NameClaim", NameClaim), ("EmailClaim", EmailClaim), ("GroupsClaim", GroupsClaim), ("HandleClaim", HandleClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{Section}:{key} must name a claim of the ID token.");
            }
        }
        if (ApiAudience is not null && (ApiAudience.Length == 0 || ApiAudience.Trim() != ApiAudience || ApiAudience.Any(char.IsControl)))
        {
            problems.Add($"{Section}:ApiAudience must be the audience (aud) of the provider's access tokens for this API, e.g. api://incidentbot, without spaces around it; leave it out to take no bearer JWTs.");
        }
        if (!Uri.TryCreate(GraphBaseUrl, UriKind.Absolute, out var graph) || graph.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(graph.Query))
        {
            problems.Add($"{Section}:GraphBaseUrl must be Microsoft Graph's absolute https address, e.g. https://graph.microsoft.com.");
        }
        else if (graph.Scheme != "https" && !IsLoopback(graph))
        {
            problems.Add($"{Section}:GraphBaseUrl must use https (plain http only on loopback, for tests), not {graph.Scheme}://{graph.Host}.");
        }
        return problems;
    }

    public IReadOnlyList<string> ScopeList => Scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
