using System.Net;

namespace IncidentBot.Hosting;

/// <summary>
/// A TLS-terminating reverse proxy or ingress in front of the bot. Section <c>ReverseProxy</c>:
/// <code>"ReverseProxy": { "TrustedAddresses": [ "10.0.0.0/8", "192.168.1.10" ] }</code>
/// Requests from these addresses may say, in <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, which client
/// they came from and that it used https; from anyone else those headers are ignored.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>The proxies' addresses (<c>192.168.1.10</c>, <c>::1</c>) or networks (<c>10.0.0.0/8</c>). Empty: no proxy is trusted.</summary>
    public List<string> TrustedAddresses { get; set; } = [];

    /// <summary>An entry as a network (a single address is a network of one); null when it is neither.</summary>
    public static IPNetwork? Parse(string entry) =>
        IPNetwork.TryParse(entry.Trim(), out var network) ? network
        : IPAddress.TryParse(entry.Trim(), out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
        : null;
}
