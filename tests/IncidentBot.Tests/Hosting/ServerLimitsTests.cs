using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Hosting;

/// <summary>Kestrel's limits have IncidentBot's defaults, and every <c>Kestrel:Limits</c> key overrides its own.</summary>
public sealed class ServerLimitsTests
{
    [Fact]
    public async Task DefaultsGuardAgainstSlowAndGreedyClients()
    {
        await using var app = new IncidentBotApplication();

        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(1_000, limits.MaxConcurrentConnections);
        Assert.Equal(100, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(8 * 1024 * 1024, limits.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), limits.KeepAliveTimeout);
        Assert.Equal((240d, TimeSpan.FromSeconds(5)), (limits.MinRequestBodyDataRate!.BytesPerSecond, limits.MinRequestBodyDataRate.GracePeriod));
    }

    [Fact]
    public async Task ConfigurationOverridesEachLimitOnItsOwn()
    {
        await using var app = new IncidentBotApplication(new()
        {
            ["Kestrel:Limits:MaxConcurrentConnections"] = "50",
            ["Kestrel:Limits:MaxRequestBodySize"] = "2048",
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:03",
            ["Kestrel:Limits:MinRequestBodyDataRate:GracePeriod"] = "00:00:02",
        });

        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(50, limits.MaxConcurrentConnections);
        Assert.Equal(2048, limits.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(3), limits.RequestHeadersTimeout);
        Assert.Equal((240d, TimeSpan.FromSeconds(2)), (limits.MinRequestBodyDataRate!.BytesPerSecond, limits.MinRequestBodyDataRate.GracePeriod));
        Assert.Equal(100, limits.MaxConcurrentUpgradedConnections);
    }
}
