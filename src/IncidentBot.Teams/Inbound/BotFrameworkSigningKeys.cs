using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Teams.Inbound;

/// <summary>The Bot Framework's OpenID metadata and JWKS, cached and refreshed the way the Bot Framework asks.</summary>
internal sealed class BotFrameworkSigningKeys
{
    private static readonly TimeSpan RefetchPoll = TimeSpan.FromMilliseconds(50);
    private const int RefetchRounds = 60;

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;

    public BotFrameworkSigningKeys(string metadataUrl, HttpClient http)
    {
        // Plain http only for a loopback fake; the real endpoint and its jwks_uri must stay https.
        var retriever = new HttpDocumentRetriever(http) { RequireHttps = !IsLoopbackHttp(metadataUrl) };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(metadataUrl, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            // The Bot Framework asks for a key refresh at least daily.
            AutomaticRefreshInterval = TimeSpan.FromHours(24),
            // The library's floor (default 5 min): a kid first seen right after a rotation, or right after a forged
            // one, can refetch the keys at once, while a flood of unknown kids still costs at most one fetch a second.
            RefreshInterval = BaseConfigurationManager.MinimumRefreshInterval,
        };
    }

    public Task<OpenIdConnectConfiguration> CurrentAsync(CancellationToken cancellationToken) =>
        _metadata.GetConfigurationAsync(cancellationToken);

    /// <summary>
    /// IdentityModel 8 refreshes in the background: RequestRefresh only signals, and GetConfigurationAsync keeps
    /// returning the old document until the fetch lands. So wait, bounded, for a new document; asking again each
    /// round lets a request that arrives inside the one-second throttle still get its refresh.
    /// </summary>
    public async Task<OpenIdConnectConfiguration> RefetchAsync(OpenIdConnectConfiguration stale, CancellationToken cancellationToken)
    {
        for (var round = 0; round < RefetchRounds; round++)
        {
            _metadata.RequestRefresh();
            // Real time on purpose: the validator's TimeProvider is token time, and a frozen test clock would hang here.
            await Task.Delay(RefetchPoll, cancellationToken);
            var current = await _metadata.GetConfigurationAsync(cancellationToken);
            if (!ReferenceEquals(current, stale))
            {
                return current;
            }
        }

        return stale;
    }

    private static bool IsLoopbackHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;
}
