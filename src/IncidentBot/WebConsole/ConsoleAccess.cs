using IncidentBot.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// Who may use the console and the API. Without <c>WebConsole:AccessToken</c>: callers on this machine only, and
/// only when they address the bot by a loopback name (<see cref="LoopbackTrust"/>). With it: everyone must bring
/// it, as <c>Authorization: Bearer</c> or as the console session <c>/login</c> opens. With OpenID Connect sign-in
/// (<c>Authentication:Oidc</c>): a session the provider proved (<see cref="OidcSignIn"/>); browsers without one are
/// sent to the provider. Whatever the mode, the API also takes API tokens (<c>Authorization: Bearer ibt_…</c>,
/// <see cref="ApiTokenAuthentication"/>), from anywhere; and with <c>Authentication:Oidc:ApiAudience</c>, the
/// provider's access tokens (<see cref="OidcBearer"/>).
/// </summary>
internal static class ConsoleAccess
{
    public const string Cookie = "incidentbot_console";

    /// <summary>
    /// Guards everything but webhooks, Slack, Teams, health checks and the Prometheus scrape, which have their own
    /// rules (webhook sources without credentials use <see cref="LoopbackTrust"/> too).
    /// </summary>
    public static IApplicationBuilder UseConsoleAccess(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/slack") || path.StartsWithSegments("/api/messages")
            || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics"))
        {
            await next(context);
            return;
        }
        var token = context.RequestServices.GetRequiredService<IOptions<WebConsoleOptions>>().Value.AccessToken;
        // An API token (Bearer ibt_…) on the API is checked whatever else is configured, also from beyond loopback;
        // the shared token keeps its meaning if it happens to start with ibt_.
        if (path.StartsWithSegments("/api") && ApiTokenAuthentication.Presents(context) && !(!string.IsNullOrEmpty(token) && HasBearerToken(context, token)))
        {
            var result = await context.AuthenticateAsync(ApiTokenAuthentication.SchemeName);
            if (result.Succeeded)
            {
                context.User = result.Principal;
                await next(context);
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await Results.Problem("The API token is unknown, revoked or malformed. Ask a lead for a new one (IncidentBot tokens create).", statusCode: 401, title: "Not authenticated").ExecuteAsync(context);
            return;
        }
        // A bearer JWT from the sign-in provider (with Authentication:Oidc:ApiAudience), checked like an API token.
        if (path.StartsWithSegments("/api") && OidcBearer.Presents(context) && !(!string.IsNullOrEmpty(token) && HasBearerToken(context, token)))
        {
            var result = await context.AuthenticateAsync(OidcBearer.Scheme);
            if (result.Succeeded)
            {
                context.User = result.Principal;
                await next(context);
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await Results.Problem("The bearer token was refused: it must be the sign-in provider's, signed with one of its keys, for this API's audience, and not expired (the bot's log says which check failed).",
                statusCode: 401, title: "Not authenticated").ExecuteAsync(context);
            return;
        }
        var oidc = context.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value.Enabled;
        if (oidc)
        {
            await SignedInOnlyAsync(context, next, token);
            return;
        }
        if (string.IsNullOrEmpty(token))
        {
            if (LoopbackTrust.Refusal(context) is { } refusal)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleAccess))
                    .LogWarning("Refused {Method} {Path} from {Remote} (Host {Host}): {Reason}", context.Request.Method, path, context.Connection.RemoteIpAddress, context.Request.Headers.Host.ToString(), refusal.Detail);
                await Results.Problem(refusal.Detail, statusCode: refusal.Status, title: "Not served without an access token").ExecuteAsync(context);
                return;
            }
            await next(context);
            return;
        }
        if (path.StartsWithSegments("/login") || HasBearerToken(context, token) || (await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme)).Succeeded)
        {
            await next(context);
            return;
        }
        if (path.StartsWithSegments("/api"))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem("Send the console access token as 'Authorization: Bearer <token>', or sign in at /login.", statusCode: 401, title: "Not authenticated").ExecuteAsync(context);
            return;
        }
        context.Response.Redirect("/login");
    });

    /// <summary>With OpenID Connect: a provider session, or the shared token when one is also set; else to the provider.</summary>
    private static async Task SignedInOnlyAsync(HttpContext context, RequestDelegate next, string? token)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/login") || path.StartsWithSegments("/signed-out") || path.StartsWithSegments("/app.css")
            || (!string.IsNullOrEmpty(token) && HasBearerToken(context, token)))
        {
            await next(context);
            return;
        }
        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (session.Succeeded)
        {
            context.User = session.Principal;
            await next(context);
            return;
        }
        if (path.StartsWithSegments("/api"))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem("Sign in at /login.", statusCode: 401, title: "Not authenticated").ExecuteAsync(context);
            return;
        }
        // Only a page the browser asked for comes back after sign-in; where to go is never taken from elsewhere.
        var back = path.Value is "/" or null ? "/" : path.Value + context.Request.QueryString;
        context.Response.Redirect((string.IsNullOrEmpty(token) ? "/login/oidc" : "/login") + "?returnUrl=" + Uri.EscapeDataString(back));
    }

    private static bool HasBearerToken(HttpContext context, string token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Secrets.Same(header[7..].Trim(), token);
    }
}
