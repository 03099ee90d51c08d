using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Api;

/// <summary>
/// Outbound tokens by OAuth client credentials (<c>Teams:AppId</c>/<c>Teams:AppPassword</c>) from
/// <c>Teams:TokenEndpoint</c>, one per scope (Bot Connector, Graph), cached until five minutes before expiry.
/// Plain client credentials rather than MSAL because the endpoint must be configurable (sovereign clouds, fakes).
/// </summary>
public sealed class BotTokenProvider(HttpClient http, IOptions<TeamsOptions> options, TimeProvider time)
{
    public const string ConnectorScope = "https://api.botframework.com/.default";
    public const string GraphScope = "https://graph.microsoft.com/.default";

    private static readonly TimeSpan RefreshEarly = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetch = new(1, 1);

    public async Task<string> GetTokenAsync(string scope, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(scope, out var cached) && cached.Until > time.GetUtcNow())
        {
            return cached.Token;
        }
        await _fetch.WaitAsync(cancellationToken);
        try
        {
            if (_cache.TryGetValue(scope, out cached) && cached.Until > time.GetUtcNow())
            {
                return cached.Token;
            }
            var token = await FetchAsync(scope, cancellationToken);
            _cache[scope] = (token.AccessToken, time.GetUtcNow() + TimeSpan.FromSeconds(token.ExpiresIn) - RefreshEarly);
            return token.AccessToken;
        }
        finally
        {
            _fetch.Release();
        }
    }

    /// <summary>Forgets a token the service refused (401), so the next call fetches a new one.</summary>
    public void Invalidate(string scope) => _cache.TryRemove(scope, out _);

    private async Task<TokenResponse> FetchAsync(string scope, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var response = await http.PostAsync(settings.EffectiveTokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.AppId!,
            ["client_secret"] = settings.AppPassword!,
            ["scope"] = scope,
        }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            // The error text names the problem (AADSTS codes) and never holds the secret.
            throw new TeamsApiException("token", (int)response.StatusCode, $"the token endpoint refused client credentials: {TeamsApiException.Excerpt(body)}");
        }
        return await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new TeamsApiException("token", (int)response.StatusCode, "the token endpoint answered no token");
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
