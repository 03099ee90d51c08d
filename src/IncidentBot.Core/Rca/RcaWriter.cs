using System.Threading.Channels;
using IncidentBot.Incidents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Rca;

/// <summary>Writes the first version of a review as soon as its incident resolves, off the incident's own commit.</summary>
public sealed class RcaWriter(IServiceProvider services, ILogger<RcaWriter> logger) : BackgroundService, IIncidentObserver
{
    private readonly Channel<int> _changed = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });

    public void IncidentsChanged(IReadOnlyCollection<int> numbers)
    {
        foreach (var number in numbers.ToArray())
        {
            _changed.Writer.TryWrite(number);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not injected: the review service needs IncidentService, which needs its observers (us).
        var rcas = services.GetRequiredService<RcaService>();
        await foreach (var number in _changed.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                rcas.EnsureGenerated(number);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Could not write the review of INC-{Incident}", number);
            }
        }
    }
}
