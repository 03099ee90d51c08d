using IncidentBot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Hosting;

/// <summary><c>ClientLimits:*</c> has safe defaults, and every value that would switch a limit off by mistake is refused with its key.</summary>
public sealed class ClientLimitsOptionsTests
{
    [Fact]
    public void DefaultsCapEachClientWellBelowTheServersOwnLimits()
    {
        var limits = Bind([]);

        Assert.Equal(100, limits.MaxConnections);
        Assert.Equal(5, limits.MaxEventStreams);
        Assert.Equal(TimeSpan.FromSeconds(15), limits.EventStreamHeartbeat);
        Assert.Equal(TimeSpan.FromMinutes(30), limits.EventStreamLifetime);
        Assert.Equal((50, 500), (limits.RequestsPerSecond, limits.RequestBurst));
        Assert.Equal((200, 2000), (limits.WebhooksPerSecond, limits.WebhookBurst));
    }

    [Theory]
    [InlineData("MaxConnections", "-1", "ClientLimits:MaxConnections must be 0 (no cap)")]
    [InlineData("MaxEventStreams", "0", "ClientLimits:MaxEventStreams must be at least 1")]
    [InlineData("MaxEventStreams", "-5", "ClientLimits:MaxEventStreams must be at least 1")]
    [InlineData("EventStreamHeartbeat", "00:00:00", "ClientLimits:EventStreamHeartbeat must be at least 00:00:01")]
    [InlineData("EventStreamHeartbeat", "00:00:00.500", "ClientLimits:EventStreamHeartbeat must be at least 00:00:01")]
    [InlineData("EventStreamHeartbeat", "-00:00:15", "ClientLimits:EventStreamHeartbeat must be at least 00:00:01")]
    [InlineData("EventStreamLifetime", "00:00:15", "ClientLimits:EventStreamLifetime must be longer than ClientLimits:EventStreamHeartbeat")]
    [InlineData("EventStreamLifetime", "00:00:00", "ClientLimits:EventStreamLifetime must be longer than ClientLimits:EventStreamHeartbeat")]
    [InlineData("RequestsPerSecond", "0", "ClientLimits:RequestsPerSecond must be at least 1")]
    [InlineData("RequestBurst", "0", "ClientLimits:RequestBurst must be at least 1")]
    [InlineData("WebhooksPerSecond", "0", "ClientLimits:WebhooksPerSecond must be at least 1")]
    [InlineData("WebhookBurst", "-1", "ClientLimits:WebhookBurst must be at least 1")]
    public void AValueThatWouldSwitchALimitOffIsRefusedWithItsKey(string key, string value, string problem)
    {
        var invalid = Assert.Throws<OptionsValidationException>(() => Bind(new() { [$"ClientLimits:{key}"] = value }));

        Assert.Contains(invalid.Failures, f => f.StartsWith(problem, StringComparison.Ordinal));
        Assert.Single(invalid.Failures);
    }

    [Fact]
    public void ZeroConnectionsSwitchesThePerClientConnectionCapOffForAReverseProxy()
    {
        Assert.Equal(0, Bind(new() { ["ClientLimits:MaxConnections"] = "0" }).MaxConnections);
    }

    private static ClientLimitsOptions Bind(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddClientLimits();
        using var app = builder.Build();
        return app.Services.GetRequiredService<IOptionsMonitor<ClientLimitsOptions>>().CurrentValue;
    }
}
