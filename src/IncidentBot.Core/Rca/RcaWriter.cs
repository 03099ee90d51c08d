using IncidentBot.Incidents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Rca;

/// <summary>Writes the first version of a review as soon as its incident resolves, off the incident's own commit.</summary>
public sealed class RcaWriter(IServiceProvider services, ILogger<RcaWriter> logger) : IncidentChangeWorker(logger, "write the review")
{
    private RcaService? _rcas;

    // Resolved here, not injected: the review service needs IncidentService, which needs its observers (us).
    protected override Task StartingAsync(CancellationToken stoppingToken)
    {
        _rcas = services.GetRequiredService<RcaService>();
        return Task.CompletedTask;
    }

    /// <summary>Only a resolved or closed incident gets a review; every other change is none of this worker's business.</summary>
    protected override bool Concerns(Incident stored) => stored.Status is IncidentStatus.Resolved or IncidentStatus.Closed;

    protected override Task HandleAsync(int number, CancellationToken stoppingToken) =>
        _rcas!.EnsureGeneratedAsync(number, stoppingToken);
}
