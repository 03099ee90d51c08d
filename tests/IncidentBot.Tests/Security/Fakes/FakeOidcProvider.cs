using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Security.Fakes;

/// <summary>What the fake provider gets wrong on purpose, so the bot's refusals can be tested.</summary>
public enum OidcMisbehaviour
{
    None,
    WrongIssuer,
    WrongAudience,
    WrongNonce,
    Expired,
    Unsigned,
    UnknownKey,
    WrongState,
}

/// <summary>The person the fake provider signs in, without asking.</summary>
public sealed record FakeOidcUser(string Subject, string Name, string Email, IReadOnlyList<string> Groups)
{
    public static FakeOidcUser Alice { get; } = new("alice-0001", "Alice Example", "alice@example.com", ["sre", "incident-leads"]);

    /// <summary>The <c>preferred_username</c> claim, when the provider gives one (Keycloak's user name, Entra ID's UPN).</summary>
    public string? PreferredUsername { get; init; }

    /// <summary>
    /// As Entra ID for someone in more than 200 groups: no <c>groups</c> claim, but <c>_claim_names</c> and
    /// <c>_claim_sources</c> saying where they are (the groups are then only in <see cref="FakeGraphGroups"/>).
    /// </summary>
    public bool GroupsOverage { get; init; }
}

/// <summary>
/// A loopback OpenID Connect provider: discovery, JWKS (an RSA key made for this run), an authorize endpoint that
/// approves <see cref="User"/> at once, a token endpoint that checks the code, the PKCE verifier and the client
/// secret and answers with a signed ID token, and an end-session endpoint. <see cref="Misbehaviour"/> makes it lie.
/// </summary>
public sealed class FakeOidcProvider : IAsyncDisposable
{
    public const string ClientId = "incidentbot-test";
    public const string ClientSecret = "fake-provider-client-secret";

    /// <summary>The access token the token endpoint hands out with every ID token (for Microsoft Graph, in Entra ID).</summary>
    public const string SignInAccessToken = "fake-access-token-for-graph";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _unknownKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private int _tokensIssued;

    private FakeOidcProvider(WebApplication app) => _app = app;

    public string Authority => _app.Urls.First().TrimEnd('/');

    public FakeOidcUser User { get; set; } = FakeOidcUser.Alice;

    public OidcMisbehaviour Misbehaviour { get; set; }

    /// <summary>ID tokens handed out by the token endpoint.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>What the token endpoint refused, and why.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals.ToArray();

    /// <summary>The bot's settings for signing in through this provider.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Authentication:Oidc:Authority"] = Authority,
        ["Authentication:Oidc:ClientId"] = ClientId,
        ["Authentication:Oidc:ClientSecret"] = ClientSecret,
        ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
    };

    public static async Task<FakeOidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var provider = new FakeOidcProvider(builder.Build());
        provider._app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        provider._app.MapGet("/jwks", provider.Keys);
        provider._app.MapGet("/authorize", provider.Authorize);
        provider._app.MapPost("/token", provider.TokenAsync);
        provider._app.MapGet("/logout", provider.EndSession);
        await provider._app.StartAsync();
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
        _unknownKey.Dispose();
    }

    private sealed record Grant(string RedirectUri, string? Nonce, string CodeChallenge);

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Authority,
        ["authorization_endpoint"] = $"{Authority}/authorize",
        ["token_endpoint"] = $"{Authority}/token",
        ["jwks_uri"] = $"{Authority}/jwks",
        ["end_session_endpoint"] = $"{Authority}/logout",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
    });

    private IResult Keys()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        var key = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = "fake-1",
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        return Results.Json(new { keys = new[] { key } });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(query["code_challenge"]) || string.IsNullOrEmpty(query["redirect_uri"]) || !query["scope"].ToString().Split(' ').Contains("openid"))
        {
            _refusals.Enqueue($"authorize: bad request {request.QueryString}");
            return Results.BadRequest("invalid_request");
        }
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new Grant(query["redirect_uri"]!, query["nonce"], query["code_challenge"]!);
        var state = Misbehaviour == OidcMisbehaviour.WrongState ? "forged-" + query["state"] : query["state"].ToString();
        return Results.Redirect($"{query["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, secret) = ClientCredentials(request, form);
        IResult Refuse(string error, string why)
        {
            _refusals.Enqueue($"token: {why}");
            return Results.Json(new { error, error_description = why }, statusCode: 400);
        }
        if (form["grant_type"] != "authorization_code")
        {
            return Refuse("unsupported_grant_type", "grant_type is not authorization_code");
        }
        if (clientId != ClientId || secret != ClientSecret)
        {
            return Refuse("invalid_client", "wrong client id or secret");
        }
        if (!_codes.TryRemove(form["code"].ToString(), out var grant))
        {
            return Refuse("invalid_grant", "unknown or used code");
        }
        if (form["redirect_uri"] != grant.RedirectUri)
        {
            return Refuse("invalid_grant", "redirect_uri differs from the one authorized");
        }
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (string.IsNullOrEmpty(form["code_verifier"]) || challenge != grant.CodeChallenge)
        {
            return Refuse("invalid_grant", "PKCE code_verifier does not match the code_challenge");
        }
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new { access_token = SignInAccessToken, token_type = "Bearer", expires_in = 3600, id_token = IdToken(grant.Nonce) });
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }
        return (form["client_id"], form["client_secret"]);
    }

    private IResult EndSession(HttpRequest request)
    {
        var back = request.Query["post_logout_redirect_uri"].ToString();
        if (string.IsNullOrEmpty(back))
        {
            return Results.Text("signed out");
        }
        var state = request.Query["state"].ToString();
        return Results.Redirect(state.Length > 0 ? $"{back}?state={Uri.EscapeDataString(state)}" : back);
    }

    /// <summary>The ID token for <see cref="User"/>, spoiled as <see cref="Misbehaviour"/> says.</summary>
    public string IdToken(string? nonce) => Token(ClientId, nonce, idToken: true);

    /// <summary>
    /// An access token for the bot's API (audience <paramref name="audience"/>) for <see cref="User"/>, as a script
    /// gets one from the provider (client credentials or on-behalf-of), spoiled as <see cref="Misbehaviour"/> says.
    /// </summary>
    public string AccessToken(string audience) => Token(audience, nonce: null, idToken: false);

    private string Token(string audience, string? nonce, bool idToken)
    {
        var now = DateTime.UtcNow;
        var expired = Misbehaviour == OidcMisbehaviour.Expired;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = User.Subject,
            ["name"] = User.Name,
            ["email"] = User.Email,
        };
        if (User.PreferredUsername is not null)
        {
            claims["preferred_username"] = User.PreferredUsername;
        }
        if (User.GroupsOverage)
        {
            claims["_claim_names"] = new Dictionary<string, object> { ["groups"] = "src1" };
            claims["_claim_sources"] = new Dictionary<string, object> { ["src1"] = new Dictionary<string, object> { ["endpoint"] = $"https://graph.windows.net/tenant/users/{User.Subject}/getMemberObjects" } };
        }
        else
        {
            claims["groups"] = User.Groups.ToArray();
        }
        if (idToken)
        {
            claims["nonce"] = Misbehaviour == OidcMisbehaviour.WrongNonce ? "not-the-nonce-the-bot-sent" : nonce ?? "";
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Misbehaviour == OidcMisbehaviour.WrongIssuer ? "https://evil.example.com" : Authority,
            Audience = Misbehaviour == OidcMisbehaviour.WrongAudience ? "some-other-client" : audience,
            Claims = claims,
            IssuedAt = expired ? now.AddHours(-2) : now,
            NotBefore = expired ? now.AddHours(-2) : now,
            Expires = expired ? now.AddHours(-1) : now.AddMinutes(10),
        };
        if (Misbehaviour == OidcMisbehaviour.Unsigned)
        {
            var payload = new Dictionary<string, object>(claims)
            {
                ["iss"] = Authority,
                ["aud"] = audience,
                ["iat"] = EpochTime.GetIntDate(now),
                ["nbf"] = EpochTime.GetIntDate(now),
                ["exp"] = EpochTime.GetIntDate(now.AddMinutes(10)),
            };
            return $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.";
        }
        var key = Misbehaviour == OidcMisbehaviour.UnknownKey ? new RsaSecurityKey(_unknownKey) { KeyId = "fake-1" } : new RsaSecurityKey(_key) { KeyId = "fake-1" };
        descriptor.SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
