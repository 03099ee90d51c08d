using System.Text.Encodings.Web;
using IncidentBot.WebConsole;

namespace IncidentBot.Access;

/// <summary>
/// The console's page is only for people with a role. Someone signed in who is in none of the <c>Access</c> lists
/// (or a typed name once lists are set) gets a page that says who they are signed in as and why they cannot go on,
/// instead of a console whose every request would be refused; <c>/api</c> answers them 403.
/// </summary>
internal static class ConsoleRoles
{
    public static IApplicationBuilder UseConsoleRoles(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (!HttpMethods.IsGet(context.Request.Method) || !(path == "/" || path.StartsWithSegments("/index.html")))
        {
            await next(context);
            return;
        }
        var actor = HttpActor.Of(context, null);
        if (HttpActor.RoleOf(context, actor) is not null)
        {
            await next(context);
            return;
        }
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleRoles))
            .LogInformation("Console refused to {User} ({Email}): no role in Access", actor.Name, actor.Email);
        await NoRolePage(context, actor).ExecuteAsync(context);
    });

    private static IResult NoRolePage(HttpContext context, Actor actor)
    {
        string text;
        var action = "";
        if (HttpActor.IsTyped(context))
        {
            text = "Access lists are set (Access:Leads, Access:Responders, Access:Viewers), so a name typed here proves nothing and holds no role. " +
                "Sign-in through the identity provider (Authentication:Oidc) is needed to use the console; scripts use API tokens.";
        }
        else
        {
            // The name the provider gives (a handle such as jane.doe is what commands carry; people know their display name).
            var name = context.User.FindFirst(WebConsole.OidcSignIn.DisplayNameClaim)?.Value ?? actor.Name;
            var who = actor.Email is { Length: > 0 } email && !string.Equals(email, name, StringComparison.OrdinalIgnoreCase) ? $"{name} ({email})" : name;
            text = $"You are signed in as {who}, who is in none of Access:Viewers, Access:Responders or Access:Leads (by e-mail or group), so IncidentBot has no role for you. " +
                "Ask an admin to add you, or a group of yours, to one of them.";
            action = "<form class=\"sign-out\" method=\"post\" action=\"/logout\"><button class=\"btn\" type=\"submit\">Sign out</button></form><script src=\"/sign-out.js\"></script>";
        }
        return Results.Content($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>IncidentBot · No access</title><link rel="stylesheet" href="/app.css"></head>
            <body class="login"><div class="card" data-testid="no-role"><h1>No access</h1><p>{{HtmlEncoder.Default.Encode(text)}}</p>{{action}}</div></body></html>
            """, "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }
}
