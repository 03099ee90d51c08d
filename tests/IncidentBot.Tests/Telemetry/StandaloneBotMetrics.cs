using System.Diagnostics.Metrics;
using IncidentBot.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Telemetry;

/// <summary>
/// <see cref="BotMetrics"/> on a meter factory of its own, made the way the host makes it, so a test reads only the
/// measurements it caused. Disposing it disposes the factory and with it the meter.
/// </summary>
public sealed class StandaloneBotMetrics : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public StandaloneBotMetrics() => Metrics = new BotMetrics(_services.GetRequiredService<IMeterFactory>());

    public BotMetrics Metrics { get; }

    public void Dispose() => _services.Dispose();
}
