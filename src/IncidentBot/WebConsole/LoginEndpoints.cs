using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using IncidentBot.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// <c>/login</c>: exchanges the console access token for a session. The cookie holds the session (encrypted and
/// signed with ASP.NET Core Data Protection), never the token; wrong tokens are limited per client address.
/// </summary>
internal static class LoginEndpoints
{
    /// <summary>The claim naming which token a session was opened with (a hash of it), so a new token ends old sessions.</summary>
    public const string TokenClaim = "incidentbot:token";

    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (string? returnUrl, IOptions<WebConsoleOptions> console, IOptions<OidcOptions> oidc) =>
            !oidc.Value.Enabled ? Page(null)
            : string.IsNullOrEmpty(console.Value.AccessToken) ? Results.Redirect("/login/oidc?returnUrl=" + Uri.EscapeDataString(returnUrl ?? "/"))
            : Page(null, identityProvider: true)).ExcludeFromDescription();
        endpoints.MapPost("/login", SignInAsync).DisableAntiforgery().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The hash a session carries instead of the token.</summary>
    public static string TokenHash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("incidentbot-console-session:" + token)));

    private static async Task<IResult> SignInAsync(HttpContext context, IOptions<WebConsoleOptions> options, SignInLimiter limiter, ILogger<SignInLimiter> logger)
    {
        // One client as every per-client limit counts it: an IPv4 address or an IPv6 /64, so rotating addresses within one network buys no guesses.
        var client = ClientAddress.Of(context.Connection.RemoteIpAddress) ?? IPAddress.None;
        if (limiter.Blocked(client) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            logger.LogWarning("Sign-in from {Remote} refused: too many wrong tokens, retry in {Seconds} s", client, seconds);
            return Results.Problem($"Too many wrong tokens from your address: try again in {seconds} s (WebConsole:SignInAttempts per WebConsole:SignInWindow).",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts");
        }
        var token = options.Value.AccessToken;
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var given = form?["token"].ToString() ?? "";
        if (string.IsNullOrEmpty(token) || !Secrets.Same(given, token))
        {
            limiter.Failed(client);
            logger.LogWarning("Sign-in from {Remote} refused: wrong token", client);
            return Page("That token does not match WebConsole:AccessToken.", StatusCodes.Status401Unauthorized);
        }
        var session = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "console"), new Claim(TokenClaim, TokenHash(token))], CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, session, new AuthenticationProperties { IsPersistent = true });
        return Results.Redirect("/");
    }

    // No inline script or style: the Content-Security-Policy allows neither.
    private static IResult Page(string? error, int status = StatusCodes.Status200OK, bool identityProvider = false) => Results.Content($$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>IncidentBot · sign in</title><link rel="stylesheet" href="/app.css"></head>
        <body class="login"><form method="post" action="/login" class="card">
        <h1>IncidentBot</h1><p>Enter the console access token (<code>WebConsole:AccessToken</code>).</p>
        {{(error is null ? "" : $"<p class=\"error\">{HtmlEncoder.Default.Encode(error)}</p>")}}
        <input type="password" name="token" autofocus required aria-label="Access token"><button class="btn btn-primary">Sign in</button>
        {{(identityProvider ? "<p><a class=\"btn\" href=\"/login/oidc\">Sign in with your identity provider</a></p>" : "")}}
        </form></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
