using System.Net;
using IncidentBot.Hosting;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// Who may use the console and the API. On loopback, anyone on this machine; anywhere else only with
/// <c>WebConsole:AccessToken</c>, sent as <c>Authorization: Bearer</c> or the cookie set by <c>/login</c>.
/// </summary>
internal static class ConsoleAccess
{
    public const string Cookie = "incidentbot_console";

    /// <summary>Refuses to start when the bot would be reachable from other machines with nobody checking.</summary>
    public static void RequireTokenOffLoopback(IConfiguration configuration, WebConsoleOptions options)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var exposed = urls.Where(url => !IsLoopback(url)).ToList();
        if (!string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            exposed.Add("ASPNETCORE_HTTP_PORTS (all interfaces)");
        }
        if (exposed.Count > 0 && string.IsNullOrEmpty(options.AccessToken))
        {
            throw new InvalidOperationException(
                $"IncidentBot would listen beyond this machine ({string.Join(", ", exposed)}) with no access control. " +
                "Set WebConsole:AccessToken (environment: WebConsole__AccessToken) to a long random secret, or listen on localhost only.");
        }
    }

    /// <summary>Requires the token on the console and the API when one is configured; webhooks, Slack, Teams, health checks and the Prometheus scrape have their own rules.</summary>
    public static IApplicationBuilder UseConsoleAccess(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var token = context.RequestServices.GetRequiredService<IOptions<WebConsoleOptions>>().Value.AccessToken;
        var path = context.Request.Path;
        if (string.IsNullOrEmpty(token) || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/slack") || path.StartsWithSegments("/api/messages") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics")
            || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/login") || IsAllowed(context, token))
        {
            await next(context);
            return;
        }
        if (path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem("Send the console access token as 'Authorization: Bearer <token>'.", statusCode: 401, title: "Not authenticated").ExecuteAsync(context);
            return;
        }
        context.Response.Redirect("/login");
    });

    private static bool IsAllowed(HttpContext context, string token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Secrets.Same(header[7..].Trim(), token))
        {
            return true;
        }
        return context.Request.Cookies.TryGetValue(Cookie, out var cookie) && Secrets.Same(cookie, token);
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"), UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
