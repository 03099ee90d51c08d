namespace IncidentBot.WebConsole;

/// <summary>
/// Headers on every answer, so a browser runs only the console's own files: a strict Content-Security-Policy (no
/// inline script or style, nothing from other sites, no framing), no MIME sniffing, and no Referer sent with links
/// that leave the console (incident links would otherwise tell other sites the bot's address and incident numbers).
/// </summary>
internal static class BrowserHardening
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseBrowserHardening(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set as the answer starts, so error pages written later (problem details, redirects) carry them too.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
