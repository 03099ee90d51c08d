using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace IncidentBot.Hosting;

/// <summary>Kestrel limits that keep slow or hostile clients from tying the bot up; <c>Kestrel:Limits:*</c> overrides each.</summary>
internal static class ServerLimitsExtensions
{
    private const string Section = "Kestrel:Limits";

    /// <summary>
    /// IncidentBot's defaults first, then the <c>Kestrel:Limits</c> section, so configuration always wins:
    /// <code>
    /// "Kestrel": { "Limits": {
    ///   "MaxConcurrentConnections": 1000, "MaxConcurrentUpgradedConnections": 100,
    ///   "MaxRequestBodySize": 8388608, "RequestHeadersTimeout": "00:00:10", "KeepAliveTimeout": "00:01:00",
    ///   "MinRequestBodyDataRate": { "BytesPerSecond": 240, "GracePeriod": "00:00:05" } } }
    /// </code>
    /// </summary>
    public static WebApplicationBuilder UseServerLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, options) =>
        {
            var limits = options.Limits;
            // Without a cap, a flood of idle sockets grows without bound; 1000 is far above what many senders in a storm hold.
            limits.MaxConcurrentConnections = 1_000;
            limits.MaxConcurrentUpgradedConnections = 100;
            // Webhooks, Slack and Teams refuse more than 1 MiB themselves; nothing the bot takes needs more than this.
            limits.MaxRequestBodySize = 8 * 1024 * 1024;
            // Kestrel's 30 s would let a slowloris client hold a connection three times as long as an honest sender needs.
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            limits.KeepAliveTimeout = TimeSpan.FromMinutes(1);
            limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

            var configured = context.Configuration.GetSection(Section);
            configured.Bind(limits);
            // MinDataRate has no setters, so the binder cannot change one in place; build it from the two keys.
            limits.MinRequestBodyDataRate = DataRate(configured.GetSection("MinRequestBodyDataRate"), limits.MinRequestBodyDataRate!);
            limits.MinResponseDataRate = DataRate(configured.GetSection("MinResponseDataRate"), limits.MinResponseDataRate!);
        });
        return builder;
    }

    private static MinDataRate DataRate(IConfigurationSection section, MinDataRate current) =>
        section.Exists()
            ? new MinDataRate(section.GetValue("BytesPerSecond", current.BytesPerSecond), section.GetValue("GracePeriod", current.GracePeriod))
            : current;
}
