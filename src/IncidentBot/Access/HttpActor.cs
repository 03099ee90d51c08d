using System.Security.Claims;
using IncidentBot.Chat;
using IncidentBot.WebConsole;

namespace IncidentBot.Access;

/// <summary>
/// Who an HTTP request acts for, built in this one place: an API token (<c>token:&lt;name&gt;</c> with the token's
/// role), a person signed in through the provider (their proven name, e-mail and groups), or otherwise only a typed
/// name (loopback, the shared <c>WebConsole:AccessToken</c>). A typed name proves nothing: while no <c>Access</c>
/// list is set it acts as today (a responder, a lead when <c>Drills:Leads</c> names it); once lists are set it holds
/// no role, and such callers are told to sign in or use an API token.
/// </summary>
internal static class HttpActor
{
    /// <summary>The actor of <paramref name="context"/>; <paramref name="typed"/> counts only when nothing is proven.</summary>
    public static Actor Of(HttpContext context, string? typed)
    {
        var user = context.User;
        if (user.FindFirst(ApiTokenAuthentication.NameClaim) is { } token)
        {
            // The role claim is always written with the token; were it missing, the least role is assumed.
            var role = ApiTokens.TryParseRole(user.FindFirst(ClaimTypes.Role)?.Value, out var parsed) ? parsed : AccessRole.Viewer;
            return new Actor(ApiTokens.ActorPrefix + token.Value) { Role = role, Platform = "api" };
        }
        if (SignedInUser.ProvenName(context) is { } name)
        {
            return new Actor(name)
            {
                Email = user.FindFirst(OidcSignIn.EmailClaim)?.Value,
                Groups = user.FindAll(OidcSignIn.GroupClaim).Select(c => c.Value).ToList(),
                Platform = "console",
            };
        }
        return Actor.Typed(CommandEndpoints.UserName(typed ?? ""), "console");
    }

    /// <summary>True when the request proves nobody: no API token, no provider session.</summary>
    public static bool IsTyped(HttpContext context) =>
        context.User.FindFirst(ApiTokenAuthentication.NameClaim) is null && SignedInUser.ProvenName(context) is null;

    /// <summary>The role of <paramref name="actor"/>, who made <paramref name="context"/>; null for none.</summary>
    public static AccessRole? RoleOf(HttpContext context, Actor actor)
    {
        var policy = context.RequestServices.GetRequiredService<AccessPolicy>();
        return IsTyped(context) && policy.IsConfigured ? null : policy.RoleOf(actor);
    }

    /// <summary>Why the caller may not do <paramref name="what"/>, which needs <paramref name="needed"/>; null when they may.</summary>
    public static string? Refusal(HttpContext context, Actor actor, AccessRole needed, string what)
    {
        if (RoleOf(context, actor) >= needed)
        {
            return null;
        }
        var policy = context.RequestServices.GetRequiredService<AccessPolicy>();
        if (IsTyped(context) && policy.IsConfigured)
        {
            return $"`{what}` needs the {ApiTokens.RoleName(needed)} role ({AccessOptions.KeyOf(needed)}). Access lists are set, so a name typed on this machine or with the shared access token proves nothing and holds no role: sign in through the identity provider (Authentication:Oidc), or ask a lead for an API token.";
        }
        return policy.Refusal(actor, needed, what);
    }
}
