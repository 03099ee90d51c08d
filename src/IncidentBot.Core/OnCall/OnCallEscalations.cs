using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace IncidentBot.OnCall;

/// <summary>
/// Keeps one Quartz trigger per incident whose on-call ask waits for an Accept, at the moment
/// <c>OnCall:AcceptWithin</c> runs out, as <see cref="Reminders.UpdateReminders"/> does for status updates: every
/// change that moves it (an ask, a hand-off, an Accept, a commander a person set, a resolve) moves or removes the
/// trigger, and at start-up every open incident gets its trigger back from the state on the incident (a moment that
/// passed while the bot was down fires at once). On PostgreSQL the triggers live in the cluster's job store and one
/// replica fires each; <see cref="IncidentService.EscalateOnCallAsync"/> checks inside the commit that the escalation
/// is still due, so a second firing changes nothing.
/// </summary>
public sealed class OnCallEscalations(
    ISchedulerFactory schedulers,
    IIncidentStore incidents,
    IOptions<OnCallOptions> options,
    TimeProvider time,
    ILogger<OnCallEscalations> logger) : IncidentChangeWorker(logger, "schedule the on-call escalation")
{
    private readonly Dictionary<int, DateTimeOffset?> _queuedDue = [];

    public static JobKey JobKeyFor(int incident) => new($"INC-{incident}", "oncall-escalations");

    private DateTimeOffset? DueFor(Incident incident) =>
        incident.Status.IsOpen() ? incident.OnCall?.EscalatesAt(incident.Roles.GetValueOrDefault(RoleCatalog.Commander), options.Value.AcceptWithin) : null;

    /// <summary>Only a change that moves the escalation's moment is handled (never an alert of a storm).</summary>
    protected override bool Concerns(Incident stored)
    {
        var due = DueFor(stored);
        lock (_queuedDue)
        {
            if (_queuedDue.TryGetValue(stored.Number, out var queued) ? queued == due : due is null)
            {
                return false;
            }
            _queuedDue[stored.Number] = due;
            return true;
        }
    }

    private void Forget(int number)
    {
        lock (_queuedDue)
        {
            _queuedDue.Remove(number);
        }
    }

    /// <summary>A restart gives every waiting ask its trigger back, from the state stored on the incident.</summary>
    protected override async Task StartingAsync(CancellationToken stoppingToken)
    {
        foreach (var incident in await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue), stoppingToken))
        {
            if (incident.OnCall is not null)
            {
                await HandleAsync(incident.Number, stoppingToken);
            }
        }
    }

    protected override async Task HandleAsync(int number, CancellationToken stoppingToken)
    {
        try
        {
            await ScheduleAsync(number, stoppingToken);
        }
        catch
        {
            Forget(number);
            throw;
        }
    }

    private async Task ScheduleAsync(int number, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = JobKeyFor(number);
        var incident = await incidents.FindAsync(number, cancellationToken);
        if (incident is null || DueFor(incident) is not { } due)
        {
            await scheduler.DeleteJob(key, cancellationToken);
            Forget(number);
            return;
        }
        // Kept when it already fires then (another replica may be about to fire it); a replacement would only fight over it.
        var existing = await scheduler.GetTrigger(new TriggerKey(key.Name, key.Group), cancellationToken);
        var now = time.GetUtcNow();
        if (existing is not null && (existing.StartTimeUtc == due || (due <= now && existing.StartTimeUtc <= now)))
        {
            return;
        }
        var job = JobBuilder.Create<OnCallEscalationJob>().WithIdentity(key).UsingJobData(OnCallEscalationJob.IncidentKey, number).Build();
        var trigger = TriggerBuilder.Create(time).WithIdentity(key.Name, key.Group).StartAt(due > now ? due : now).Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
    }
}

/// <summary>Asks the next on-call level of one incident, if its ask is still unaccepted.</summary>
[DisallowConcurrentExecution]
public sealed class OnCallEscalationJob(IncidentService incidents, IOptions<OnCallOptions> options, ILogger<OnCallEscalationJob> logger) : IJob
{
    public const string IncidentKey = "incident";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var number = context.MergedJobDataMap.GetInt(IncidentKey);
        var result = await incidents.EscalateOnCallAsync(number, options.Value.AcceptWithin, cancellationToken);
        logger.LogInformation("On-call escalation of INC-{Incident}: {Outcome}", number, result.Problem ?? result.Notice ?? "the next level was asked");
    }
}
