using IncidentBot.Incidents;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IncidentBot.Telemetry;

/// <summary>
/// OpenTelemetry metrics and traces: the bot's own instruments, ASP.NET Core, outgoing HTTP and the .NET
/// runtime, scraped by Prometheus at <c>/metrics</c>; when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, metrics are
/// pushed over OTLP too, and traces are recorded and pushed there.
/// </summary>
internal static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BotMetrics>();
        builder.Services.AddSingleton<BotGauges>();
        builder.Services.AddSingleton<IncidentMetricsRecorder>();
        builder.Services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<IncidentMetricsRecorder>());

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "incidentbot"))
            .WithMetrics(metrics => metrics
                .AddMeter(BotMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        // Spans go nowhere but OTLP, so without it none are recorded: every request and chat call would fill one in
        // only for it to be dropped.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(BotActivity.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint and starts the gauges that read storage when scraped.</summary>
    public static void MapMetricsEndpoint(this WebApplication app)
    {
        app.Services.GetRequiredService<BotGauges>();
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }
}
