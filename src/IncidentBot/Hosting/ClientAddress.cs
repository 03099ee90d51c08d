using System.Net;
using System.Net.Sockets;

namespace IncidentBot.Hosting;

/// <summary>
/// Who counts as one client for the per-client limits: an IPv4 address, or an IPv6 /64 network (one host or one
/// home gets a whole /64, so counting single IPv6 addresses would let a client pick a new one for each connection).
/// </summary>
internal static class ClientAddress
{
    /// <summary>The client behind <paramref name="endPoint"/>, or null when it has no IP address (a Unix socket, the in-memory test host).</summary>
    public static IPAddress? Of(EndPoint? endPoint) => endPoint is IPEndPoint ip ? Of(ip.Address) : null;

    public static IPAddress? Of(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
