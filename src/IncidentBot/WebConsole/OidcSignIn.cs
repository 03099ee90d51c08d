using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace IncidentBot.WebConsole;

/// <summary>
/// Console sign-in through an OpenID Connect provider: the code flow with PKCE and the client secret; the provider's
/// ID token is checked (signature from its JWKS, issuer, audience, nonce, lifetime), then the session cookie carries
/// only the proven handle, display name, e-mail and groups (<see cref="SignedInUser"/>; groups from Microsoft Graph
/// when Entra ID signals an overage, <see cref="EntraGroupOverage"/>), encrypted with the console's Data Protection keys.
/// </summary>
internal static class OidcSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Marks a session opened by the provider, and says which provider (its issuer).</summary>
    public const string IssuerClaim = "incidentbot:oidc-issuer";

    public const string EmailClaim = "email";

    public const string GroupClaim = "group";

    /// <summary>The display name (<see cref="OidcOptions.NameClaim"/>); the principal's name is the handle (<see cref="Handles"/>).</summary>
    public const string DisplayNameClaim = "incidentbot:display_name";

    public static bool Enabled(IConfiguration configuration) => Settings(configuration).Enabled;

    public static OidcOptions Settings(IConfiguration configuration) => configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();

    public static void AddOidcSignIn(this AuthenticationBuilder authentication, IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OidcOptions>, Validation>();
        builder.Services.AddHttpClient<EntraGroupOverage>();
        if (!Enabled(builder.Configuration))
        {
            return;
        }
        authentication.AddOpenIdConnect(Scheme, _ => { });
        builder.Services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcOptions>>((oidc, settings) =>
        {
            var o = settings.Value;
            oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            oidc.Authority = o.Authority;
            oidc.ClientId = o.ClientId;
            oidc.ClientSecret = o.ClientSecret;
            oidc.RequireHttpsMetadata = o.RequireHttpsMetadata;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            // A top-level GET back to the bot, so the correlation and nonce cookies (SameSite=Lax) come with it.
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.UsePkce = true;
            oidc.SaveTokens = false;
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.Scope.Clear();
            foreach (var scope in o.ScopeList)
            {
                oidc.Scope.Add(scope);
            }
            oidc.CallbackPath = "/signin-oidc";
            oidc.SignedOutCallbackPath = "/signout-callback-oidc";
            oidc.SignedOutRedirectUri = "/signed-out";
            oidc.TokenValidationParameters.NameClaimType = o.NameClaim;
            // Plain http works on loopback only (checked at start), so these cookies follow the request's scheme.
            oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
            oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.NonceCookie.SameSite = SameSiteMode.Lax;
            oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.Events.OnTokenValidated = async context =>
            {
                // ASP.NET Core lets an ID token from the token endpoint go unsigned (the spec allows trusting TLS
                // instead); this bot does not: a token without a signature from the provider's JWKS is refused.
                if (string.IsNullOrEmpty(context.SecurityToken.RawSignature) || string.Equals(context.SecurityToken.Header.Alg, "none", StringComparison.OrdinalIgnoreCase))
                {
                    context.Fail("The provider's ID token is not signed (alg none).");
                    return;
                }
                var proven = context.Principal!;
                IReadOnlyList<string>? groups = null;
                // Entra ID leaves out the groups of someone in more than 200, and says so: Graph lists them.
                if (EntraGroupOverage.Signalled(proven, o.GroupsClaim))
                {
                    groups = await context.HttpContext.RequestServices.GetRequiredService<EntraGroupOverage>()
                        .GroupsAsync(context.TokenEndpointResponse?.AccessToken, proven.FindFirst("sub")?.Value, context.HttpContext.RequestAborted);
                }
                context.Principal = SessionOf(proven, context.SecurityToken.Issuer, o, CookieAuthenticationDefaults.AuthenticationScheme, groups);
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
                    .LogInformation("Signed in {User} ({Email}) through {Issuer}", context.Principal.Identity!.Name, context.Principal.FindFirst(EmailClaim)?.Value, context.SecurityToken.Issuer);
            };
            // The console signs out with fetch (its Content-Security-Policy's form-action forbids a form redirecting to
            // the provider) and then goes where this says.
            oidc.Events.OnRedirectToIdentityProviderForSignOut = async context =>
            {
                if (WantsJson(context.Request))
                {
                    context.HandleResponse();
                    // As the handler does after this event: the state brings the browser back to /signed-out.
                    context.ProtocolMessage.State = context.Options.StateDataFormat.Protect(context.Properties);
                    await context.Response.WriteAsJsonAsync(new { location = context.ProtocolMessage.CreateLogoutRequestUrl() });
                }
            };
            oidc.Events.OnRemoteFailure = async context =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
                    .LogWarning("Sign-in through {Authority} refused: {Reason}", o.Authority, context.Failure?.Message);
                context.HandleResponse();
                await Page("Sign-in failed", "The identity provider's answer was refused (the bot's log says why). Try again.", StatusCodes.Status401Unauthorized)
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// <summary>
    /// The session's principal (or a bearer JWT's): the handle as its name (<see cref="Handles"/>), the display name,
    /// the proven e-mail and groups (<paramref name="groups"/> when they came from elsewhere, as Graph's after an
    /// overage), and the issuer; nothing else of the token.
    /// </summary>
    public static ClaimsPrincipal SessionOf(ClaimsPrincipal proven, string issuer, OidcOptions settings, string authenticationType = CookieAuthenticationDefaults.AuthenticationScheme, IReadOnlyList<string>? groups = null)
    {
        string? First(string type) => proven.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
        var email = First(settings.EmailClaim);
        var display = First(settings.NameClaim) ?? email ?? First("sub") ?? throw new InvalidOperationException("The token names nobody (no name, e-mail or subject).");
        var handle = Handles.Of(proven, settings) ?? throw new InvalidOperationException("The token gives no handle (no handle claim, e-mail or subject with a letter or digit).");
        var claims = new List<Claim> { new(ClaimTypes.Name, handle), new(DisplayNameClaim, display), new(IssuerClaim, issuer) };
        if (First("sub") is { } subject)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, subject));
        }
        if (email is not null)
        {
            claims.Add(new Claim(EmailClaim, email));
        }
        claims.AddRange((groups ?? GroupsOf(proven, settings.GroupsClaim)).Distinct(StringComparer.Ordinal).Select(g => new Claim(GroupClaim, g)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Groups as one claim each, or as a JSON array in one claim (providers do both).</summary>
    private static IEnumerable<string> GroupsOf(ClaimsPrincipal proven, string claim)
    {
        foreach (var value in proven.FindAll(claim).Select(c => c.Value))
        {
            if (value.StartsWith('['))
            {
                string[]? groups = null;
                try
                {
                    groups = JsonSerializer.Deserialize<string[]>(value);
                }
                catch (JsonException)
                {
                }
                foreach (var group in groups ?? [])
                {
                    yield return group;
                }
            }
            else if (value.Length > 0)
            {
                yield return value;
            }
        }
    }

    /// <summary>Every problem of <c>Authentication:Oidc</c> at start, each with its key.</summary>
    private sealed class Validation : IValidateOptions<OidcOptions>
    {
        public ValidateOptionsResult Validate(string? name, OidcOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login/oidc", (string? returnUrl) => Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [Scheme]))
            .ExcludeFromDescription();
        endpoints.MapPost("/logout", SignOutAsync).DisableAntiforgery().ExcludeFromDescription();
        endpoints.MapGet("/signed-out", () => Page("Signed out", "You are signed out of IncidentBot.", StatusCodes.Status200OK, "<a class=\"btn btn-primary\" href=\"/\">Sign in again</a>"))
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Ends the console session, then the provider's too when it has an end-session endpoint.</summary>
    private static async Task SignOutAsync(HttpContext context, IOptionsMonitor<OpenIdConnectOptions> oidc, ILogger<OidcOptions> logger)
    {
        var user = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null;
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        logger.LogInformation("Signed out {User}", user);
        var options = oidc.Get(Scheme);
        var configuration = options.ConfigurationManager is null ? null : await options.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
        if (!string.IsNullOrEmpty(configuration?.EndSessionEndpoint))
        {
            await context.SignOutAsync(Scheme, new AuthenticationProperties { RedirectUri = "/signed-out" });
            return;
        }
        if (WantsJson(context.Request))
        {
            await context.Response.WriteAsJsonAsync(new { location = "/signed-out" });
            return;
        }
        context.Response.Redirect("/signed-out");
    }

    private static bool WantsJson(HttpRequest request) => request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    private static string LocalOnly(string? url) => url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    // No inline script or style: the Content-Security-Policy allows neither.
    private static IResult Page(string title, string text, int status, string action = "<a class=\"btn btn-primary\" href=\"/\">Try again</a>") => Results.Content($$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>IncidentBot · {{HtmlEncoder.Default.Encode(title)}}</title><link rel="stylesheet" href="/app.css"></head>
        <body class="login"><div class="card"><h1>{{HtmlEncoder.Default.Encode(title)}}</h1><p>{{HtmlEncoder.Default.Encode(text)}}</p>{{action}}</div></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
