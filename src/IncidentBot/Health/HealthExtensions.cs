using System.Text.Json;
using IncidentBot.Alerts;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IncidentBot.Health;

/// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: storage can be written and alerts are being processed.</summary>
internal static class HealthExtensions
{
    private const string Ready = "ready";

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready])
            .AddCheck<AlertProcessorHealthCheck>("alert-processor", tags: [Ready]);
        return builder;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Probes are never rate limited: a busy client on the kubelet's node must not get the pod restarted.
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).DisableRateLimiting();
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).DisableRateLimiting();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    private sealed class StorageHealthCheck(IStorageHealth storage, IOptions<StorageOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var store = options.Value.UsesPostgres ? "the PostgreSQL database" : "the data file";
            string? problem;
            try
            {
                problem = await storage.ProbeAsync(cancellationToken);
            }
            catch (StorageUnavailableException unavailable)
            {
                problem = unavailable.Message;
            }
            return problem is null
                ? HealthCheckResult.Healthy($"{store} can be written")
                : HealthCheckResult.Unhealthy($"{store} cannot be written: {problem}");
        }
    }

    private sealed class AlertProcessorHealthCheck(AlertProcessor processor, TimeProvider time) : IHealthCheck
    {
        private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(30);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (processor.Paused)
            {
                return Task.FromResult(HealthCheckResult.Degraded("paused by Intake:PauseProcessing: alerts are stored, not processed"));
            }
            var beat = processor.LastHeartbeat;
            return Task.FromResult(beat is not null && time.GetUtcNow() - beat < Stalled
                ? HealthCheckResult.Healthy("processing alerts")
                : HealthCheckResult.Unhealthy(beat is null ? "not started yet" : $"no progress since {beat:O}"));
        }
    }
}
