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

    /// <summary>The ID token claim with the name shown on the timeline (falls back to the e-mail, then the subject).</summary>
    public string NameClaim { get; set; } = "name";

    public string EmailClaim { get; set; } = "email";

    /// <summary>The ID token claim listing the person's groups (one claim per group, or a JSON array).</summary>
    public string GroupsClaim { get; set; } = "groups";

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
        foreach (var (key, value) in new[] { ("NameClaim", NameClaim), ("EmailClaim", EmailClaim), ("GroupsClaim", GroupsClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{Section}:{key} must name a claim of the ID token.");
            }
        }
        return problems;
    }

    public IReadOnlyList<string> ScopeList => Scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
