using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace IncidentBot.Hosting;

/// <summary>
/// Behind a trusted reverse proxy the client's own address (for the sign-in limit and the loopback rule) and its
/// scheme (so the session cookie is <c>Secure</c> when the client used https) come from the forwarded headers.
/// <c>X-Forwarded-Host</c> is never used: the Host header a request was sent with is what the loopback rule checks.
/// </summary>
internal static class ReverseProxyExtensions
{
    public static IHostApplicationBuilder AddReverseProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.Section)
            .Validate(o => o.TrustedAddresses.All(a => ReverseProxyOptions.Parse(a) is not null),
                "ReverseProxy:TrustedAddresses must hold IP addresses (192.168.1.10, ::1) or networks (10.0.0.0/8).")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default; here only what is configured is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in proxies.Value.TrustedAddresses.Select(ReverseProxyOptions.Parse).OfType<System.Net.IPNetwork>())
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    /// <summary>Reads the forwarded headers from trusted proxies only; does nothing when none is configured.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.TrustedAddresses.Count == 0
            ? app
            : app.UseForwardedHeaders();
}
