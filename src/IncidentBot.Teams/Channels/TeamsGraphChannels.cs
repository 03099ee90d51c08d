using IncidentBot.Teams.Api;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Channels;

/// <summary>Creates standard channels in the incidents team through Microsoft Graph (<c>Teams:GraphBaseUrl</c>).</summary>
public sealed class TeamsGraphChannels(HttpClient http, BotTokenProvider tokens, IOptions<TeamsOptions> options)
{
    private readonly Lazy<GraphServiceClient> _graph = new(() =>
        new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new GraphTokens(tokens)), options.Value.GraphBaseUrl.TrimEnd('/')));

    /// <summary>The new channel's id (<c>19:…@thread.tacv2</c>).</summary>
    public Task<string> CreateAsync(string teamId, string displayName, string description, CancellationToken cancellationToken) =>
        CallAsync("create channel", async () =>
        {
            var channel = await _graph.Value.Teams[teamId].Channels.PostAsync(
                new Channel { DisplayName = displayName, Description = description, MembershipType = ChannelMembershipType.Standard },
                cancellationToken: cancellationToken);
            return channel?.Id ?? throw new TeamsApiException("create channel", 500, "Graph answered no channel id");
        });

    /// <summary>
    /// <c>GET /teams/{id}?$select=displayName,internalId</c>: a team's name and its thread id (<c>19:…@thread.tacv2</c>,
    /// which is also its General channel's id), from its Microsoft 365 group id.
    /// </summary>
    public Task<(string Name, string ThreadId)> TeamAsync(string teamId, CancellationToken cancellationToken) =>
        CallAsync("get team", async () =>
        {
            var team = await _graph.Value.Teams[teamId].GetAsync(r => r.QueryParameters.Select = ["displayName", "internalId"], cancellationToken);
            return (team?.DisplayName ?? teamId, team?.InternalId ?? throw new TeamsApiException("get team", 500, "Graph answered no internalId"));
        });

    /// <summary>One Graph call, its failures as <see cref="TeamsApiException"/> named <paramref name="what"/>, with Graph's Retry-After.</summary>
    private static async Task<T> CallAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ODataError ex)
        {
            throw new TeamsApiException(what, ex.ResponseStatusCode, $"{ex.Error?.Code}: {ex.Error?.Message}", RetryAfter(ex), ex);
        }
        catch (ApiException ex)
        {
            throw new TeamsApiException(what, ex.ResponseStatusCode, ex.Message, RetryAfter(ex), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TeamsApiException(what, 0, ex.Message, inner: ex);
        }
    }

    private static TimeSpan? RetryAfter(ApiException ex) =>
        ex.ResponseHeaders.TryGetValue("Retry-After", out var values) && int.TryParse(values.FirstOrDefault(), out var seconds) ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>Graph tokens from the same client credentials, for whatever host Graph is configured at.</summary>
    private sealed class GraphTokens(BotTokenProvider tokens) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            tokens.GetTokenAsync(BotTokenProvider.GraphScope, cancellationToken);
    }
}
