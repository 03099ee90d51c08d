using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using LoopbackHost = IncidentBot.Tests.Slack.Fakes.LoopbackHost;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>A loopback Entra ID v2.0 token endpoint for one confidential client, issuing opaque tokens the other fakes check.</summary>
public sealed class FakeEntraToken : IAsyncDisposable
{
    public const string BotConnectorScope = "https://api.botframework.com/.default";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    private readonly Lock _gate = new();
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly Dictionary<string, (string Scope, DateTimeOffset Expires)> _valid = [];
    private readonly Dictionary<string, string> _lastByScope = [];
    private WebApplication? _app;
    private int _port;

    private FakeEntraToken(string clientId, string clientSecret, string tenant, TimeProvider time) =>
        (_clientId, _clientSecret, Tenant, Time) = (clientId, clientSecret, tenant, time);

    public string Tenant { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/&lt;tenant&gt;/oauth2/v2.0/token</c>.</summary>
    public Uri TokenEndpoint => new($"http://127.0.0.1:{_port}/{Tenant}/oauth2/v2.0/token");

    /// <summary>Lifetime of tokens issued from now on; shorten it to make a client refresh.</summary>
    public TimeSpan ExpiresIn { get; set; } = TimeSpan.FromHours(1);

    public int TokensIssued { get; private set; }

    /// <summary>The clock every fake of this set checks token lifetimes and rate limits against.</summary>
    internal TimeProvider Time { get; }

    public static async Task<FakeEntraToken> StartAsync(string clientId, string clientSecret, string tenant = "tenant-1", TimeProvider? time = null)
    {
        var fake = new FakeEntraToken(clientId, clientSecret, tenant, time ?? TimeProvider.System);
        (fake._app, fake._port) = await LoopbackHost.StartAsync(app => app.MapPost("/{tenant}/oauth2/v2.0/token", fake.HandleAsync));
        return fake;
    }

    public string? LastIssuedToken(string scope)
    {
        lock (_gate)
        {
            return _lastByScope.GetValueOrDefault(scope);
        }
    }

    /// <summary>True when <paramref name="token"/> was issued for <paramref name="scope"/>, has not expired and was not revoked.</summary>
    public bool IsValid(string? token, string scope)
    {
        lock (_gate)
        {
            return token is not null && _valid.TryGetValue(token, out var issued)
                && issued.Scope == scope && Time.GetUtcNow() < issued.Expires;
        }
    }

    public void RevokeAll()
    {
        lock (_gate)
        {
            _valid.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        var tenant = (string)context.Request.RouteValues["tenant"]!;
        FakeAnswer answer;
        lock (_gate)
        {
            answer = Answer(tenant, form["grant_type"], form["client_id"], form["client_secret"], form["scope"].ToString());
        }

        await answer.WriteAsync(context.Response);
    }

    private FakeAnswer Answer(string tenant, string? grantType, string? clientId, string? secret, string scope)
    {
        if (grantType != "client_credentials")
        {
            return Refusal(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        }

        // Asking another tenant (e.g. botframework.com for a single-tenant bot) is the classic misconfiguration.
        if (clientId != _clientId || tenant != Tenant)
        {
            return Refusal(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. "
                + "This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. "
                + "You may have sent your authentication request to the wrong tenant.");
        }

        if (secret != _clientSecret)
        {
            return Refusal(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
                + $"not the client secret ID, for a secret added to app '{clientId}'.");
        }

        if (!scope.EndsWith("/.default", StringComparison.Ordinal))
        {
            return Refusal(400, "invalid_scope", 1002012, $"The provided value for scope {scope} is not valid. "
                + "Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }

        TokensIssued++;
        var token = $"fake-token-{TokensIssued}-{Readable(scope)}";
        _valid[token] = (scope, Time.GetUtcNow() + ExpiresIn);
        _lastByScope[scope] = token;
        var seconds = (int)ExpiresIn.TotalSeconds;
        return new(200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = seconds,
            ["ext_expires_in"] = seconds,
            ["access_token"] = token,
        });
    }

    /// <summary>The scope's resource with only token68-safe characters, so tokens are readable in test output and legal in headers.</summary>
    private static string Readable(string scope) =>
        string.Concat(scope[..^"/.default".Length].Replace("https://", "", StringComparison.Ordinal)
            .Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-'));

    private static FakeAnswer Refusal(int status, string error, int code, string description) => new(status, new JsonObject
    {
        ["error"] = error,
        ["error_description"] = $"AADSTS{code}: {description}",
        ["error_codes"] = new JsonArray(code),
    });
}
