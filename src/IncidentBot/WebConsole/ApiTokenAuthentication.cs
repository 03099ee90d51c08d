using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using IncidentBot.Access;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// <c>Authorization: Bearer ibt_…</c> on the HTTP API: the token's SHA-256 is looked up in <see cref="IApiTokenStore"/>;
/// an unknown, revoked or malformed token fails. A token that works gives a principal named <c>token:&lt;name&gt;</c>
/// with the token's name (<see cref="NameClaim"/>) and role (<see cref="ClaimTypes.Role"/>). Bearer values without
/// the <c>ibt_</c> prefix are not this handler's (the shared <c>WebConsole:AccessToken</c>): no result.
/// The token itself is never logged; only its name, once it is known.
/// </summary>
internal sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logging, UrlEncoder encoder,
    IApiTokenStore tokens, ApiTokenUsage usage)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logging, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>The claim with the token's name (the principal's name is <c>token:&lt;name&gt;</c>).</summary>
    public const string NameClaim = "incidentbot:api_token";

    /// <summary>
    /// True when the request carries a bearer value that looks like an API token (before any check). The prefix is
    /// matched in any case, so a mangled token (IBT_…) is refused as one, not taken for another credential.
    /// </summary>
    public static bool Presents(HttpContext context) => Bearer(context) is { } value && value.StartsWith(ApiTokens.Prefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Bearer(Context) is not { } token || !token.StartsWith(ApiTokens.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        if (!ApiTokens.IsWellFormed(token))
        {
            return Refuse(null, "the bearer value starts like an API token (ibt_) but is not a whole one");
        }
        var hash = ApiTokens.Hash(token);
        var found = await tokens.FindByHashAsync(hash, Context.RequestAborted);
        // The look-up is by the hash of 256 random bits: its timing tells nothing a guesser can use. The comparison
        // below is constant-time all the same, so a store that matched loosely could not let a near miss through.
        if (found is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(found.Hash), Encoding.ASCII.GetBytes(hash)))
        {
            return Refuse(null, "no API token has this hash (never created, or mistyped)");
        }
        if (found.RevokedAt is { } revoked)
        {
            return Refuse(found.Name, $"the token was revoked at {revoked:O}");
        }
        await usage.RecordAsync(found.Name, Context.RequestAborted);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, found.Actor),
                new Claim(NameClaim, found.Name),
                new Claim(ClaimTypes.Role, ApiTokens.RoleName(found.Role)),
            ],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Refuse(string? name, string reason)
    {
        Logger.LogWarning("Refused API token {TokenName} for {Method} {Path} from {Remote}: {Reason}",
            name ?? "(unknown)", Request.Method, Request.Path, Context.Connection.RemoteIpAddress, reason);
        return AuthenticateResult.Fail("The API token is unknown, revoked or malformed.");
    }

    private static string? Bearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}

/// <summary>
/// Records when each API token was last used, at most once per <see cref="Resolution"/> per token in this process,
/// so a busy script costs one write a minute, not one per request. A store that cannot write only loses the time.
/// </summary>
internal sealed class ApiTokenUsage(IApiTokenStore tokens, TimeProvider clock, ILogger<ApiTokenUsage> logger)
{
    /// <summary>How stale a token's last-used time may be.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _recorded = new(StringComparer.Ordinal);

    public async Task RecordAsync(string name, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_recorded.TryGetValue(name, out var last) && now - last < Resolution)
        {
            return;
        }
        _recorded[name] = now;
        try
        {
            await tokens.RecordUseAsync(name, now, cancellationToken);
        }
        catch (StorageUnavailableException ex)
        {
            logger.LogWarning("Could not record the last use of API token {TokenName}: {Reason}", name, ex.Message);
        }
    }
}

/// <summary>Who the HTTP API acts for.</summary>
internal static class ApiCaller
{
    /// <summary>
    /// <c>token:&lt;name&gt;</c> for a request with an API token, whatever <c>user</c> it sends; otherwise the user the
    /// request names (the console and the shared token identify people by the name they type).
    /// </summary>
    public static string? Actor(HttpContext context, string? typedUser) =>
        context.User.FindFirst(ApiTokenAuthentication.NameClaim) is { } token ? ApiTokens.ActorPrefix + token.Value : typedUser;
}
