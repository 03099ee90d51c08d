using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Inbound;

/// <summary>Validates the Bot Connector's bearer JWT on every inbound activity, exactly as the Bot Framework requires.</summary>
public sealed class BotFrameworkTokenValidator
{
    private const string BearerPrefix = "Bearer ";
    private const string ServiceUrlClaim = "serviceurl";
    /// <summary>How far token times may be from the bot's clock.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] Algorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly TeamsOptions _options;
    private readonly LifetimeValidator _lifetime;
    private readonly ILogger<BotFrameworkTokenValidator> _logger;
    private readonly BotFrameworkSigningKeys _keys;
    private readonly JsonWebTokenHandler _handler = new();

    public BotFrameworkTokenValidator(IOptions<TeamsOptions> options, HttpClient http, TimeProvider time, ILogger<BotFrameworkTokenValidator> logger)
    {
        _options = options.Value;
        _lifetime = TokenLifetime.Validator(time, ClockSkew);
        _logger = logger;
        _keys = new BotFrameworkSigningKeys(_options.OpenIdMetadataUrl, http);
    }

    /// <summary>Both steps at once: the token, then the activity it came with.</summary>
    /// <param name="authorizationHeader">The raw <c>Authorization</c> header value.</param>
    /// <param name="serviceUrl">The activity's <c>serviceUrl</c>.</param>
    /// <param name="channelId">The activity's <c>channelId</c>, e.g. <c>msteams</c>.</param>
    /// <param name="cancellationToken">Cancels waiting for the signing keys.</param>
    public async Task<BotTokenCheck> ValidateAsync(string? authorizationHeader, string? serviceUrl, string? channelId, CancellationToken cancellationToken)
    {
        var token = await ValidateTokenAsync(authorizationHeader, cancellationToken);
        return token.IsValid ? ValidateActivity(token, serviceUrl, channelId) : token;
    }

    /// <summary>
    /// Step one, before the body is read at all: scheme, signature, issuer, audience and lifetime. A valid result
    /// still has to pass <see cref="ValidateActivity"/> with the activity it came with.
    /// </summary>
    public async Task<BotTokenCheck> ValidateTokenAsync(string? authorizationHeader, CancellationToken cancellationToken) =>
        Logged(await CheckTokenAsync(authorizationHeader, cancellationToken));

    /// <summary>Step two: the token was issued for this activity's service URL, by a key endorsed for its channel.</summary>
    public BotTokenCheck ValidateActivity(BotTokenCheck token, string? serviceUrl, string? channelId)
    {
        if (!token.IsValid)
        {
            return token;
        }
        if (string.IsNullOrWhiteSpace(serviceUrl) || string.IsNullOrWhiteSpace(channelId))
        {
            return Logged(BotTokenCheck.Invalid("activity has no serviceUrl or channelId"));
        }
        if (!SameServiceUrl(token.Identity!.FindFirst(ServiceUrlClaim)?.Value, serviceUrl))
        {
            return Logged(BotTokenCheck.Invalid("serviceurl claim does not match the activity"));
        }
        return ChannelEndorsements.Allow(token.Signer.Keys, token.Signer.SigningKey, channelId)
            ? token
            : Logged(BotTokenCheck.Invalid($"signing key is not endorsed for channel '{channelId}'"));
    }

    private BotTokenCheck Logged(BotTokenCheck check)
    {
        if (!check.IsValid)
        {
            _logger.LogInformation("Refused a Bot Connector token: {Problem}", check.Problem);
        }
        return check;
    }

    private async Task<BotTokenCheck> CheckTokenAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return BotTokenCheck.Invalid("missing Authorization header");
        }

        if (!authorizationHeader.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return BotTokenCheck.Invalid("not a Bearer token");
        }

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(authorizationHeader[BearerPrefix.Length..].Trim());
        }
        catch (ArgumentException)
        {
            return BotTokenCheck.Invalid("malformed token");
        }

        if (string.IsNullOrWhiteSpace(_options.AppId))
        {
            return BotTokenCheck.Invalid("the bot's app id is not configured");
        }

        OpenIdConnectConfiguration metadata;
        TokenValidationResult result;
        try
        {
            metadata = await _keys.CurrentAsync(cancellationToken);
            result = await _handler.ValidateTokenAsync(token, Parameters(metadata));
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // Keys rotate: a kid we have not seen may simply be newer than our copy of the JWKS.
                metadata = await _keys.RefetchAsync(metadata, cancellationToken);
                result = await _handler.ValidateTokenAsync(token, Parameters(metadata));
            }
        }
        catch (InvalidOperationException exception)
        {
            _logger.LogError(exception, "Cannot load the Bot Framework signing keys from {Url}", _options.OpenIdMetadataUrl);
            return BotTokenCheck.Invalid("signing keys unavailable");
        }

        if (!result.IsValid)
        {
            return BotTokenCheck.Invalid(Describe(result.Exception));
        }

        return BotTokenCheck.Valid(result.ClaimsIdentity, new DateTimeOffset(token.ValidTo, TimeSpan.Zero)) with { Signer = (metadata.JsonWebKeySet, token.SigningKey) };
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration metadata) => new()
    {
        ValidIssuer = _options.ValidIssuer,
        ValidAudience = _options.AppId,
        IssuerSigningKeys = metadata.SigningKeys,
        ValidAlgorithms = Algorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        LifetimeValidator = _lifetime,
    };

    private static bool SameServiceUrl(string? claimed, string activity) =>
        claimed is not null && string.Equals(claimed.TrimEnd('/'), activity.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenNoExpirationException => "token has no expiry",
        SecurityTokenInvalidLifetimeException => "token lifetime is invalid",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenSignatureKeyNotFoundException => "signing key not published",
        SecurityTokenInvalidAlgorithmException => "signing algorithm not allowed",
        SecurityTokenInvalidSignatureException => "invalid signature",
        _ => "token refused",
    };
}
