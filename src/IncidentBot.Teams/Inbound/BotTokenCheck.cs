using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Inbound;

/// <summary>
/// The outcome of checking a Bot Connector bearer token; <see cref="Problem"/> never contains the token, and
/// <see cref="ExpiresAt"/> (a valid token's expiry) bounds how long a replay of its request could verify.
/// </summary>
public sealed record BotTokenCheck(bool IsValid, string? Problem, ClaimsIdentity? Identity, DateTimeOffset ExpiresAt = default)
{
    /// <summary>The published key set and the key that signed the token: the activity's channel must be endorsed by it.</summary>
    internal (JsonWebKeySet? Keys, SecurityKey? SigningKey) Signer { get; init; }

    public static BotTokenCheck Valid(ClaimsIdentity identity, DateTimeOffset expiresAt) => new(true, null, identity, expiresAt);

    public static BotTokenCheck Invalid(string problem) => new(false, problem, null);
}
