using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace IncidentBot.Hosting;

/// <summary>
/// Where the bot listens, and whether that reaches beyond this machine. Without <c>WebConsole:AccessToken</c> it
/// may listen on loopback only. Checked twice: from the configuration before anything starts (so the problem is
/// listed with every other), and from the addresses the server really bound, whatever configured them.
/// </summary>
internal static class ListeningAddresses
{
    /// <summary>
    /// The addresses Kestrel will bind, read as Kestrel reads them: <c>Kestrel:Endpoints</c> when it has any (they
    /// replace <c>--urls</c>), else <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>), else
    /// <c>http_ports</c>/<c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>, on every interface).
    /// </summary>
    public static IReadOnlyList<(string Address, string From)> Configured(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => (Address: e["Url"] ?? "", From: e.Path))
            .ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return [.. Split(urls).Select(u => (u, "urls (--urls, ASPNETCORE_URLS)"))];
        }
        return
        [
            .. Split(configuration["http_ports"]).Select(p => ($"http://*:{p}", "http_ports (ASPNETCORE_HTTP_PORTS)")),
            .. Split(configuration["https_ports"]).Select(p => ($"https://*:{p}", "https_ports (ASPNETCORE_HTTPS_PORTS)")),
        ];
    }

    /// <summary>What the server really listens on, once it has started; empty for a server without addresses (tests).</summary>
    public static IReadOnlyList<(string Address, string From)> Bound(IServer server) =>
        [.. (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(a => (a, "the server's bound addresses"))];

    /// <summary>The configuration problem when any address reaches beyond loopback and no access token is set.</summary>
    public static string? Problem(IEnumerable<(string Address, string From)> addresses, string? accessToken)
    {
        if (!string.IsNullOrEmpty(accessToken))
        {
            return null;
        }
        var exposed = addresses.Where(a => !IsLoopback(a.Address)).Select(a => $"{a.Address} from {a.From}").ToList();
        return exposed.Count == 0
            ? null
            : $"WebConsole:AccessToken: IncidentBot would listen beyond this machine ({string.Join("; ", exposed)}) with no access control. " +
              "Set WebConsole:AccessToken (environment WebConsole__AccessToken) to a long random secret, or listen on localhost, 127.0.0.1 or [::1] only";
    }

    /// <summary>
    /// Whether a listening address reaches this machine only: <c>localhost</c> or a loopback IP. <c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>, host names (Kestrel binds every interface for them), Unix sockets and anything
    /// unreadable count as exposed.
    /// </summary>
    public static bool IsLoopback(string address)
    {
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            return false;
        }
        var authority = address[(separator + 3)..];
        var end = authority.IndexOf('/');
        authority = end < 0 ? authority : authority[..end];
        // The host is everything before the port: "[::1]:5080", "127.0.0.1:5080", "localhost".
        var host = authority.StartsWith('[')
            ? authority[..(authority.IndexOf(']') + 1)]
            : authority.Split(':')[0];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && LoopbackTrust.IsLoopback(ip);
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
