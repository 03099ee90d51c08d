using Microsoft.AspNetCore.Authentication;
using IncidentBot.Access;
using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Hosting;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>The web console: a chat platform of its own, its live updates, its pages and its access rules.</summary>
internal static class WebConsoleExtensions
{
    public static IHostApplicationBuilder AddWebConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebConsoleOptions>().BindConfiguration(WebConsoleOptions.Section)
            .Validate(o => o.SignInAttempts is > 0 and <= 1_000, "WebConsole:SignInAttempts must be between 1 and 1000.")
            .Validate(o => o.SignInWindow > TimeSpan.Zero, "WebConsole:SignInWindow must be longer than zero.")
            .Validate(o => o.SessionLifetime > TimeSpan.Zero, "WebConsole:SessionLifetime must be longer than zero.")
            .Validate(o => o.PublicUrl is null || Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
                "WebConsole:PublicUrl must be an absolute http(s) address, e.g. https://incidents.example.com/.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IConsoleLinks, ConsoleLinks>();
        builder.Services.AddSingleton<ConsoleEvents>();
        builder.Services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<ConsoleEvents>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsoleEvents>());
        builder.Services.AddSingleton<WebChatPlatform>();
        builder.Services.AddSingleton<IChatChannelProvisioner>(sp => sp.GetRequiredService<WebChatPlatform>());
        builder.Services.AddSingleton<IChatMessageSender>(sp => sp.GetRequiredService<WebChatPlatform>());
        builder.AddConsoleSessions();
        return builder;
    }

    /// <summary>Browser headers and access control first, then the console's static files (shipped beside the binary, no CDN).</summary>
    public static WebApplication UseWebConsole(this WebApplication app)
    {
        app.UseBrowserHardening();
        // Here, after the trusted proxy has told the scheme, so the provider is given the address people really use.
        app.UseAuthentication();
        app.UseConsoleAccess();
        // Someone let in but holding no role (Access) is told why, instead of getting a console that refuses everything.
        app.UseConsoleRoles();
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapLoginEndpoints();
        app.MapOidcEndpoints();
        app.MapMeEndpoint();
        app.MapConsoleEndpoints();
        return app;
    }

    /// <summary>
    /// Console sessions: ASP.NET Core cookie authentication, the cookie encrypted and signed with Data Protection.
    /// With a token, the keys are kept in <c>keys/</c> beside the LiteDB data file, or on PostgreSQL in the database
    /// every replica shares, so sessions survive a restart and a request landing on another replica; without one nobody
    /// signs in, and the keys stay in memory.
    /// </summary>
    private static void AddConsoleSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SignInLimiter>();
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("IncidentBot");
        var oidc = OidcSignIn.Enabled(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration[$"{WebConsoleOptions.Section}:AccessToken"]) && !oidc)
        {
            dataProtection.UseEphemeralDataProtectionProvider();
        }
        else if ((builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()).UsesPostgres)
        {
            // Every replica on the database shares the keys, so a session cookie from one is good at any other.
            dataProtection.PersistKeysToPostgres();
        }
        else
        {
            builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorageOptions>, IHostEnvironment, ILoggerFactory>((keys, storage, environment, logs) =>
            {
                // Beside the data file.
                var dataFile = BotHome.Resolve(environment, string.IsNullOrWhiteSpace(storage.Value.Path) ? new StorageOptions().Path : storage.Value.Path);
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(Path.GetDirectoryName(dataFile)!, "keys")), logs);
            });
        }
        // API tokens for automation (Authorization: Bearer ibt_…), checked by ConsoleAccess on /api beside the session.
        builder.Services.AddSingleton<ApiTokenUsage>();
        var authentication = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        authentication.AddOidcSignIn(builder);
        authentication.AddOidcBearer(builder);
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme).Configure<IOptions<WebConsoleOptions>>((cookie, console) =>
        {
            cookie.Cookie.Name = ConsoleAccess.Cookie;
            cookie.Cookie.HttpOnly = true;
            // Strict, but Lax with a provider: coming back from its (other) site must still carry the new session.
            cookie.Cookie.SameSite = oidc ? SameSiteMode.Lax : SameSiteMode.Strict;
            // Secure whenever the browser used https, also behind a trusted TLS-terminating proxy (X-Forwarded-Proto).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = console.Value.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.Cookie.Path = "/";
            // A session opened with another token (since changed) ends: changing the token signs everyone out.
            cookie.Events.OnValidatePrincipal = context =>
            {
                // A provider's session lasts while sign-in through that provider is on.
                if (context.Principal?.FindFirst(OidcSignIn.IssuerClaim) is not null)
                {
                    if (!context.HttpContext.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value.Enabled)
                    {
                        context.RejectPrincipal();
                    }
                    return Task.CompletedTask;
                }
                var token = context.HttpContext.RequestServices.GetRequiredService<IOptions<WebConsoleOptions>>().Value.AccessToken;
                if (string.IsNullOrEmpty(token) || context.Principal?.FindFirst(LoginEndpoints.TokenClaim)?.Value != LoginEndpoints.TokenHash(token))
                {
                    context.RejectPrincipal();
                }
                return Task.CompletedTask;
            };
        });
    }
}
