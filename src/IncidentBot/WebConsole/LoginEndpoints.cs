using System.Text.Encodings.Web;
using IncidentBot.Hosting;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary><c>/login</c>: exchanges the console access token for an HTTP-only cookie.</summary>
internal static class LoginEndpoints
{
    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", () => Page(null)).ExcludeFromDescription();
        endpoints.MapPost("/login", (HttpContext context, IOptions<WebConsoleOptions> options) =>
        {
            var token = options.Value.AccessToken;
            var given = context.Request.Form["token"].ToString();
            if (string.IsNullOrEmpty(token) || !Secrets.Same(given, token))
            {
                return Page("That token does not match WebConsole:AccessToken.");
            }
            context.Response.Cookies.Append(ConsoleAccess.Cookie, given, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, MaxAge = TimeSpan.FromDays(30) });
            return Results.Redirect("/");
        }).DisableAntiforgery().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Page(string? error) => Results.Content($$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>IncidentBot · sign in</title><link rel="stylesheet" href="/app.css"></head>
        <body class="login"><form method="post" action="/login" class="card">
        <h1>IncidentBot</h1><p>Enter the console access token (<code>WebConsole:AccessToken</code>).</p>
        {{(error is null ? "" : $"<p class=\"error\">{HtmlEncoder.Default.Encode(error)}</p>")}}
        <input type="password" name="token" autofocus required aria-label="Access token"><button class="btn btn-primary">Sign in</button>
        </form></body></html>
        """, "text/html");
}
