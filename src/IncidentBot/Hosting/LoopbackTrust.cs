using System.Net;

namespace IncidentBot.Hosting;

/// <summary>
/// When the bot trusts a request for coming from this machine, with no credentials. Coming from loopback is not
/// enough: a web page the operator opens can make the browser (on this machine) call the bot, by DNS rebinding
/// (a name of the attacker's that resolves to 127.0.0.1) or by a cross-site form. So the request must also be
/// addressed to a loopback name (<c>localhost</c>, <c>127.x.x.x</c>, <c>[::1]</c>), and a browser's <c>Origin</c>,
/// when it sends one, must be a loopback name too.
/// </summary>
internal static class LoopbackTrust
{
    /// <summary>Why the request is not trusted without credentials, with the status to answer; null when it is trusted.</summary>
    public static (int Status, string Detail)? Refusal(HttpContext context)
    {
        var request = context.Request;
        if (!IsLoopback(context.Connection.RemoteIpAddress))
        {
            return (StatusCodes.Status403Forbidden,
                "Without WebConsole:AccessToken only callers on this machine are served, and this request came from another one. Set WebConsole:AccessToken to use the bot from elsewhere.");
        }
        if (!IsLoopbackHost(request.Headers.Host.ToString()))
        {
            return (StatusCodes.Status421MisdirectedRequest,
                "Without WebConsole:AccessToken the bot answers only requests addressed to localhost, 127.0.0.1 or [::1]; this one was addressed to another host name.");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var page) && IsLoopbackName(page.Host)))
        {
            return (StatusCodes.Status403Forbidden, "A page from another site may not use the bot on this machine.");
        }
        if (string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status403Forbidden, "A page from another site may not use the bot on this machine.");
        }
        return null;
    }

    /// <summary>
    /// A Host header naming a loopback host, with or without a port. Read as sent: <see cref="HostString.Host"/>
    /// would decode punycode, and throws on names that are not valid punycode.
    /// </summary>
    public static bool IsLoopbackHost(string header)
    {
        var hostEnd = header.StartsWith('[') ? header.IndexOf(']') + 1 : header.Contains(':') ? header.IndexOf(':') : header.Length;
        if (hostEnd <= 0)
        {
            return false;
        }
        var port = header[hostEnd..];
        return (port.Length == 0 || (port.Length > 1 && port[0] == ':' && port[1..].All(char.IsAsciiDigit)))
            && IsLoopbackName(header[..hostEnd]);
    }

    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>
    /// <c>localhost</c> (any case) or a loopback address written as such (<c>127.0.0.1</c>, <c>[::1]</c>); never a
    /// DNS name that merely resolves to one, and never a shorthand like <c>127.1</c>.
    /// </summary>
    public static bool IsLoopbackName(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        var literal = bracketed ? host[1..^1] : host;
        if (!IPAddress.TryParse(literal, out var address) || !IsLoopback(address))
        {
            return false;
        }
        // IPv6 needs its brackets in a Host header; IPv4 must be the four dotted numbers, as browsers send them.
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? bracketed
            : !bracketed && address.ToString() == literal;
    }
}
