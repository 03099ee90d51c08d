using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Slack.Inbound;

/// <summary>
/// Work Slack is already told about: requests are acknowledged first (Slack allows three seconds) and handled
/// here, a few at a time, so a slow Slack API never makes Slack retry or the user see a timeout.
/// </summary>
internal sealed class SlackWorkQueue(ILogger<SlackWorkQueue> logger) : BackgroundService
{
    private const int Workers = 4;
    private readonly Channel<(string What, Func<CancellationToken, Task> Work)> _work = Channel.CreateUnbounded<(string, Func<CancellationToken, Task>)>();

    public void Enqueue(string what, Func<CancellationToken, Task> work) => _work.Writer.TryWrite((what, work));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => RunAsync(stoppingToken)));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await foreach (var (what, work) in _work.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await work(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Slack {What} failed", what);
            }
        }
    }
}
