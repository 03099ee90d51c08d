using IncidentBot.Access;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.WebConsole;

/// <summary>
/// Who a request comes from when the provider proved it (an OpenID Connect session): the name on every command and
/// timeline entry, and the e-mail and groups roles will be granted by. Without such a session the caller's typed
/// <c>user</c> is used, as before (loopback, the shared access token).
/// </summary>
internal static class SignedInUser
{
    /// <summary>
    /// What <c>/api/me</c> answers: who is signed in, and how. <see cref="Name"/> is the display name;
    /// <see cref="Handle"/> the name on the timeline and in commands; <see cref="Role"/> what the caller may do
    /// (<c>viewer</c>, <c>responder</c>, <c>lead</c>, or null for none), by the same rule every request is checked by.
    /// </summary>
    public sealed record Me(string SignedInWith, string? Name, string? Email, IReadOnlyList<string> Groups, string? Handle = null, string? Role = null);

    /// <summary>The proven handle (the name commands run as), or null when the request carries no provider session or bearer JWT.</summary>
    public static string? ProvenName(HttpContext context) =>
        context.User.FindFirst(OidcSignIn.IssuerClaim) is not null ? context.User.Identity?.Name : null;

    /// <summary>
    /// The name a request acts as: the proven one when signed in (a typed <c>user</c> that names someone else is
    /// refused), else the typed one. Returns a problem for someone typing another person's name.
    /// </summary>
    public static string? Acting(HttpContext context, string? typed, out ProblemHttpResult? refusal)
    {
        refusal = null;
        if (ProvenName(context) is not { } proven)
        {
            // An API token acts as token:<name>, whatever user the request names.
            return ApiCaller.Actor(context, typed);
        }
        // Their handle or their display name (the console of an older version sent the display name).
        var display = context.User.FindFirst(OidcSignIn.DisplayNameClaim)?.Value;
        if (!string.IsNullOrWhiteSpace(typed) && !string.Equals(typed.Trim().TrimStart('@'), proven, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(typed.Trim().TrimStart('@'), display, StringComparison.OrdinalIgnoreCase))
        {
            refusal = TypedResults.Problem($"You are signed in as {proven}: leave out 'user', or send your own name.", statusCode: StatusCodes.Status403Forbidden, title: "You can only act as yourself");
        }
        return proven;
    }

    public static IEndpointRouteBuilder MapMeEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/me", (HttpContext context) => TypedResults.Ok(Of(context))).WithTags("Console")
            .WithSummary("Who is signed in: the provider's proven name, e-mail and groups; or only how the caller got in.");
        return endpoints;
    }

    private static Me Of(HttpContext context)
    {
        var role = HttpActor.RoleOf(context, HttpActor.Of(context, null)) is { } granted ? ApiTokens.RoleName(granted) : null;
        if (ProvenName(context) is { } name)
        {
            // A session opened before handles has no display name of its own: its name is the display name.
            return new Me("oidc", context.User.FindFirst(OidcSignIn.DisplayNameClaim)?.Value ?? name, context.User.FindFirst(OidcSignIn.EmailClaim)?.Value,
                context.User.FindAll(OidcSignIn.GroupClaim).Select(c => c.Value).ToList(), name, role);
        }
        return new Me(context.User.FindFirst(LoginEndpoints.TokenClaim) is not null || context.Request.Headers.Authorization.Count > 0 ? "token" : "loopback", null, null, [], Role: role);
    }
}
