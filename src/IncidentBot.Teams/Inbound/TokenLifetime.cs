using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Inbound;

/// <summary>Token lifetime against an injected clock, because TokenValidationParameters.TimeProvider is internal in IdentityModel 8.23.</summary>
internal static class TokenLifetime
{
    /// <summary>
    /// A custom validator replaces the library's whole lifetime check, RequireExpirationTime included, so every rule
    /// is restated; throwing the library's own exception types keeps "expired" and "not yet valid" distinguishable.
    /// </summary>
    public static LifetimeValidator Validator(TimeProvider time, TimeSpan clockSkew) => (notBefore, expires, _, _) =>
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("token has no expiry");
        }

        if (notBefore > now + clockSkew)
        {
            throw new SecurityTokenNotYetValidException("token not yet valid") { NotBefore = notBefore.Value };
        }

        if (expires < now - clockSkew)
        {
            throw new SecurityTokenExpiredException("token expired") { Expires = expires.Value };
        }

        return notBefore is null || notBefore <= expires;
    };
}
