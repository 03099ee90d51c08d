using Microsoft.Extensions.Options;

namespace IncidentBot.Teams.Api;

/// <summary>
/// <c>Teams:AllowedServiceUrls</c>: the Bot Connector addresses the bot trusts with its token. A service URL is
/// allowed when, parsed, it has a prefix's scheme, host and port exactly and its path lies under the prefix's
/// path at a segment boundary; the raw text is never compared. URLs carrying a user name, query, fragment,
/// backslash, escaped dot or slash, or anything but printable ASCII are refused outright: no service URL has one.
/// </summary>
public sealed class ServiceUrlAllowList
{
    private readonly IReadOnlyList<Uri> _prefixes;

    public ServiceUrlAllowList(IOptions<TeamsOptions> options) =>
        _prefixes = Prefixes(options.Value) ?? throw new InvalidOperationException("Teams:AllowedServiceUrls holds an entry that is not an http(s) URL prefix.");

    /// <summary>The configured prefixes, parsed; null when one does not parse (options validation says so).</summary>
    public static IReadOnlyList<Uri>? Prefixes(TeamsOptions options)
    {
        var prefixes = options.EffectiveAllowedServiceUrls.Select(Parse).ToList();
        return prefixes.Contains(null) ? null : prefixes.OfType<Uri>().ToList();
    }

    /// <summary>Whether <see cref="TeamsOptions.DefaultServiceUrl"/> lies under the allowed prefixes.</summary>
    public static bool AllowsDefault(TeamsOptions options) =>
        Prefixes(options) is not { } prefixes || (Parse(options.DefaultServiceUrl) is { } url && prefixes.Any(prefix => Covers(prefix, url)));

    /// <summary>The service URL in the one form the bot stores and calls, or null when it is not allowed.</summary>
    public Uri? Allow(string? serviceUrl) => Parse(serviceUrl) is { } url && Allows(url) ? url : null;

    /// <summary>Whether a request to this address may carry the bot's token.</summary>
    public bool Allows(Uri url) => _prefixes.Any(prefix => Covers(prefix, url));

    /// <summary>An absolute http(s) URL without the parts a service URL never has; null otherwise.</summary>
    public static Uri? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Any(c => c is <= ' ' or > '~' or '\\')
            || !Uri.TryCreate(text, UriKind.Absolute, out var url)
            || url.Scheme is not ("https" or "http")
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0 || text.Contains('#')
            || url.AbsolutePath.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || url.AbsolutePath.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || url.AbsolutePath.Contains("%5c", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return url;
    }

    private static bool Covers(Uri prefix, Uri url)
    {
        if (url.Scheme != prefix.Scheme || url.Port != prefix.Port || !string.Equals(url.IdnHost, prefix.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var path = prefix.AbsolutePath;
        return path.EndsWith('/')
            ? url.AbsolutePath.StartsWith(path, StringComparison.Ordinal)
            : url.AbsolutePath == path || url.AbsolutePath.StartsWith(path + "/", StringComparison.Ordinal);
    }
}
