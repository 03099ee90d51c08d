using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall;

/// <summary>
/// Asks the next on-call level of every incident whose person asked has not accepted within <c>OnCall:AcceptWithin</c>:
/// a sweep every <see cref="SweepEvery"/> (and at once at start-up) over the open incidents whose ask waits for an
/// answer (<see cref="IncidentQuery.OnCallWaiting"/>: the store answers that itself, through a partial index on
/// PostgreSQL), reading the ask's state from the store (<see cref="Incident.OnCall"/>), so a restart picks every wait up
/// where it was. Every replica sweeps;
/// <see cref="IncidentService.EscalateOnCallAsync"/> checks inside the commit, with the incident's version, that the
/// escalation is still due, so two replicas can never both escalate: the second finds it done and changes nothing.
/// </summary>
/// <remarks>
/// A sweep rather than one timer per incident: the state is on the incident anyway, the work is one query of the
/// waiting asks (not of every open incident: a storm opens thousands), and nothing has to be kept in step with it. An escalation comes at most <see cref="SweepEvery"/> late.
/// </remarks>
public sealed class OnCallEscalations(IIncidentStore incidents, IncidentService service, IOptions<OnCallOptions> options, TimeProvider time, ILogger<OnCallEscalations> logger)
    : BackgroundService
{
    /// <summary>How often the open incidents are looked over.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepEvery, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A store that cannot be read now (PostgreSQL restarting) is tried again with the next sweep.
                logger.LogError(ex, "Could not look for on-call escalations; trying again in {Wait}", SweepEvery);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Escalates every ask that is due now; returns how many were.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var acceptWithin = options.Value.AcceptWithin;
        var now = time.GetUtcNow();
        var due = (await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue) { OnCallWaiting = true }, cancellationToken))
            .Where(i => i.OnCall?.EscalatesAt(i.Roles.GetValueOrDefault(RoleCatalog.Commander), acceptWithin) <= now)
            .Select(i => i.Number)
            .ToList();
        foreach (var number in due)
        {
            using var scope = logger.IncidentScope(number);
            var result = await service.EscalateOnCallAsync(number, acceptWithin, cancellationToken);
            logger.LogInformation("On-call escalation of INC-{Incident}: {Outcome}", number, result.Problem ?? result.Notice ?? "the next level was asked");
        }
        return due.Count;
    }
}
