using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace IncidentBot.Tests.Telemetry;

/// <summary>Spans are recorded only when OTLP is there to take them: nothing else reads them.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task WithoutAnOtlpEndpointNoSpanIsRecorded()
    {
        await using var app = new IncidentBotApplication();
        _ = app.Server;

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task WithAnOtlpEndpointRequestsChatCallsAndDeliveriesAreTraced()
    {
        await using var app = new IncidentBotApplication(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });
        _ = app.Server;

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.True(IncidentBot.Telemetry.BotActivity.Source.HasListeners(), "the bot's own spans (outbox deliveries) are listened to");
    }
}
