using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// <c>Authorization: Bearer &lt;JWT&gt;</c> on the HTTP API: access tokens from the same OpenID Connect provider
/// the console signs in with, when <c>Authentication:Oidc:ApiAudience</c> is set. ASP.NET Core's JWT bearer
/// handler checks the signature against the provider's JWKS (unsigned tokens and unknown keys are refused), the
/// issuer (the provider's, from its discovery document), the audience (<c>ApiAudience</c>) and the lifetime
/// (<c>exp</c>, <c>nbf</c>, with 5 minutes of clock skew); an ID token (a <c>nonce</c>, or Keycloak's <c>typ: ID</c>)
/// is refused even with the right audience. The principal then carries the same handle, display name,
/// e-mail and groups a console session does (<see cref="OidcSignIn.SessionOf"/>), so the API treats both alike.
/// </summary>
internal static class OidcBearer
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    public static void AddOidcBearer(this AuthenticationBuilder authentication, IHostApplicationBuilder builder)
    {
        var settings = OidcSignIn.Settings(builder.Configuration);
        if (!settings.Enabled || string.IsNullOrEmpty(settings.ApiAudience))
        {
            return;
        }
        authentication.AddJwtBearer(Scheme, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<OidcOptions>>((jwt, options) =>
        {
            var o = options.Value;
            jwt.Authority = o.Authority;
            jwt.Audience = o.ApiAudience;
            jwt.RequireHttpsMetadata = o.RequireHttpsMetadata;
            jwt.MapInboundClaims = false;
            jwt.SaveToken = false;
            jwt.TokenValidationParameters.ValidateIssuer = true;
            jwt.TokenValidationParameters.ValidateAudience = true;
            jwt.TokenValidationParameters.ValidateLifetime = true;
            jwt.TokenValidationParameters.RequireExpirationTime = true;
            jwt.TokenValidationParameters.RequireSignedTokens = true;
            jwt.TokenValidationParameters.ValidateIssuerSigningKey = true;
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    // An ID token is for the client, not a credential for the API, even where its audience is the
                    // same (Entra ID's v2 access tokens for the bot's own API have the client id as audience).
                    if (context.Principal!.HasClaim(c => c.Type == "nonce") || context.Principal.FindFirst("typ")?.Value == "ID")
                    {
                        context.Fail("the token is an ID token (it has a nonce, or typ ID), not an access token for the API");
                        return Task.CompletedTask;
                    }
                    if (EntraGroupOverage.Signalled(context.Principal!, o.GroupsClaim))
                    {
                        Logger(context.HttpContext).LogWarning("The bearer token of {Subject} says its groups were left out (Entra ID's overage); the API takes it without groups",
                            context.Principal!.FindFirst("sub")?.Value);
                    }
                    context.Principal = OidcSignIn.SessionOf(context.Principal!, context.SecurityToken.Issuer, o, Scheme);
                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = context =>
                {
                    // The token itself is never logged.
                    Logger(context.HttpContext).LogWarning("Refused a bearer JWT for {Method} {Path} from {Remote}: {Reason}",
                        context.Request.Method, context.Request.Path, context.HttpContext.Connection.RemoteIpAddress, context.Exception.Message);
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>True when bearer JWTs are taken and the request carries a bearer value shaped like one (three dot-separated parts).</summary>
    public static bool Presents(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        // Only when the scheme is there: ApiAudience without sign-in (no Authority) takes nothing.
        var settings = context.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value;
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !settings.Enabled || string.IsNullOrEmpty(settings.ApiAudience))
        {
            return false;
        }
        var value = header[7..].Trim();
        return value.Count(c => c == '.') == 2 && !value.StartsWith(IncidentBot.Access.ApiTokens.Prefix, StringComparison.OrdinalIgnoreCase);
    }

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcBearer));
}
