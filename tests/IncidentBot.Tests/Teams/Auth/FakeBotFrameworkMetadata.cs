using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Teams.Auth;

/// <summary>A loopback stand-in for login.botframework.com: OpenID metadata plus a JWKS whose keys can rotate.</summary>
public sealed class FakeBotFrameworkMetadata : IAsyncDisposable
{
    public const string Issuer = "https://api.botframework.com";

    private readonly WebApplication _app;
    private readonly List<TestSigningKey> _published = [];
    private int _metadataRequests;

    private FakeBotFrameworkMetadata(WebApplication app) => _app = app;

    public string MetadataUrl => $"{BaseUrl}/v1/.well-known/openidconfiguration";

    public int MetadataRequests => Volatile.Read(ref _metadataRequests);

    private string BaseUrl => _app.Urls.First().TrimEnd('/');

    public static async Task<FakeBotFrameworkMetadata> StartAsync(params TestSigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeBotFrameworkMetadata(builder.Build());
        server.Publish(keys);
        server._app.MapGet("/v1/.well-known/openidconfiguration", server.Metadata);
        server._app.MapGet("/v1/.well-known/keys", server.Keys);
        await server._app.StartAsync();
        return server;
    }

    /// <summary>Rotation as the Bot Framework does it: new keys join the set, old ones stay.</summary>
    public void Publish(params TestSigningKey[] keys)
    {
        lock (_published)
        {
            _published.AddRange(keys);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    // Shaped like shared/fixtures/teams/botframework-openid-metadata.json, with jwks_uri pointing back here.
    private IResult Metadata()
    {
        Interlocked.Increment(ref _metadataRequests);
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = "https://invalid.botframework.com",
            ["jwks_uri"] = $"{BaseUrl}/v1/.well-known/keys",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
        });
    }

    private IResult Keys()
    {
        lock (_published)
        {
            return Results.Json(new { keys = _published.Select(key => key.Jwk()).ToArray() });
        }
    }
}
