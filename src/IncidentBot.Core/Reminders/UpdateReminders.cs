using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace IncidentBot.Reminders;

/// <summary>
/// Keeps one Quartz trigger per open real incident at the time its next status update is due. It watches every
/// incident change: an update moves the trigger, resolving removes it, and at start-up every open incident gets
/// its trigger back (a time that passed while the bot was down fires at once). On PostgreSQL the triggers live in the
/// cluster's job store: replicas starting together find them there and leave them alone, one replica fires each, and
/// <see cref="IncidentService.RemindAsync"/> posts a reminder only when one is still due, so a second firing says nothing.
/// </summary>
public sealed class UpdateReminders(
    ISchedulerFactory schedulers,
    IIncidentStore incidents,
    IOptions<ReminderOptions> options,
    TimeProvider time,
    ILogger<UpdateReminders> logger) : IncidentChangeWorker(logger, "update the status-update reminder")
{
    /// <summary>The due time last handed to the handler per incident, so changes that do not move it (alerts) are skipped.</summary>
    private readonly Dictionary<int, DateTimeOffset?> _queuedDue = [];

    public static JobKey JobKeyFor(int incident) => new($"INC-{incident}", "reminders");

    /// <summary>Only a change that moves the reminder's due time (an update, a resolve, a severity change) is handled.</summary>
    protected override bool Concerns(Incident stored)
    {
        var due = options.Value.DueFor(stored);
        lock (_queuedDue)
        {
            if (_queuedDue.TryGetValue(stored.Number, out var queued) && queued == due)
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

    /// <summary>A restart gives every open incident its trigger back (on PostgreSQL it mostly finds it still there).</summary>
    protected override async Task StartingAsync(CancellationToken stoppingToken)
    {
        foreach (var incident in await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue), stoppingToken))
        {
            await HandleAsync(incident.Number, stoppingToken);
        }
    }

    protected override async Task HandleAsync(int number, CancellationToken cancellationToken)
    {
        try
        {
            await ScheduleAsync(number, cancellationToken);
        }
        catch
        {
            // The trigger may not match the due time remembered: the next change of the incident is handled again.
            Forget(number);
            throw;
        }
    }

    private async Task ScheduleAsync(int number, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = JobKeyFor(number);
        var incident = await incidents.FindAsync(number, cancellationToken);
        if (incident is null || options.Value.DueFor(incident) is not { } due)
        {
            await scheduler.DeleteJob(key, cancellationToken);
            if (incident is null || !incident.Status.IsOpen())
            {
                Forget(number);
            }
            return;
        }
        // Kept when it already fires at that time, or at once for a time that has passed: another replica (on PostgreSQL
        // the triggers are shared) may be about to fire it, and a replacement would only fight over it.
        var existing = await scheduler.GetTrigger(new TriggerKey(key.Name, key.Group), cancellationToken);
        var now = time.GetUtcNow();
        if (existing is not null && (existing.StartTimeUtc == due || (due <= now && existing.StartTimeUtc <= now)))
        {
            return;
        }
        var job = JobBuilder.Create<UpdateReminderJob>().WithIdentity(key).UsingJobData(UpdateReminderJob.IncidentKey, number).Build();
        var trigger = TriggerBuilder.Create(time).WithIdentity(key.Name, key.Group).StartAt(due > now ? due : now).Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
    }
}

/// <summary>Fires one incident's status-update reminder.</summary>
[DisallowConcurrentExecution]
public sealed class UpdateReminderJob(IncidentService incidents, IOptions<ReminderOptions> options, BotMetrics metrics) : IJob
{
    public const string IncidentKey = "incident";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        // Counted only when a reminder was really due: a trigger can fire just after an update moved it on.
        var result = await incidents.RemindAsync(context.MergedJobDataMap.GetInt(IncidentKey), options.Value, cancellationToken);
        if (result.Problem is null)
        {
            metrics.ReminderFired();
        }
    }
}
