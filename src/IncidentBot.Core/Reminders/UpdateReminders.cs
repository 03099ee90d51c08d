using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace IncidentBot.Reminders;

/// <summary>
/// Posts the status-update reminders that are due: every incident carries when its next one is due
/// (<see cref="Incident.ReminderDueAt"/>, written in each of its commits), and a sweep every <see cref="SweepEvery"/>
/// asks the store for the open incidents whose time has come (on PostgreSQL through a small partial index), then
/// reminds each. <see cref="IncidentService.RemindAsync"/> checks inside the incident's commit that one is still due,
/// so two replicas sweeping at once post it once, and a time that passed while the bot was down is posted at start-up.
/// At start-up every open incident whose stored time is not the one the configured intervals give is written again
/// (incidents from before this was stored, or intervals changed since).
/// </summary>
/// <remarks>
/// A sweep, not a scheduler job per incident: a storm opens thousands of incidents, and scheduling a job for each cost
/// about an eighth of the bot's and PostgreSQL's CPU per alert (docs/performance.md). A reminder comes at most
/// <see cref="SweepEvery"/> late.
/// </remarks>
public sealed class UpdateReminders(
    ISchedulerFactory schedulers,
    IIncidentStore incidents,
    IncidentService service,
    IOptions<ReminderOptions> options,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<UpdateReminders> logger) : BackgroundService
{
    /// <summary>How often the store is asked for reminders that are due.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    /// <summary>The Quartz job group of the reminders that versions before this one scheduled, one job per incident.</summary>
    public const string LegacyJobGroup = "reminders";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RetryAsync(RemoveLegacyJobsAsync, "remove the reminder jobs an older version scheduled", stoppingToken);
        await RetryAsync(CatchUpAsync, "bring the reminders' due times up to date", stoppingToken);
        using var timer = new PeriodicTimer(SweepEvery, time);
        do
        {
            await RetryAsync(SweepAsync, "look for status-update reminders that are due", stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RetryAsync(Func<CancellationToken, Task<int>> work, string what, CancellationToken stoppingToken)
    {
        try
        {
            await work(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // A store that cannot be read now (PostgreSQL restarting) is tried again with the next sweep.
            logger.LogError(ex, "Could not {What}; trying again in {Wait}", what, SweepEvery);
        }
    }

    /// <summary>
    /// Removes the one-job-per-incident reminders an older version left in the scheduler (on PostgreSQL, in the cluster's
    /// tables); returns how many. During a rolling update an older replica may still add some: they fire
    /// <see cref="UpdateReminderJob"/>, which does what the sweep does.
    /// </summary>
    public async Task<int> RemoveLegacyJobsAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var jobs = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(LegacyJobGroup), cancellationToken);
        if (jobs.Count > 0)
        {
            await scheduler.DeleteJobs(jobs, cancellationToken);
            logger.LogInformation("Removed {Count} status-update reminder jobs an older version scheduled; reminders now come from the incidents' due times", jobs.Count);
        }
        return jobs.Count;
    }

    /// <summary>Stores the right due time on every open incident whose stored one is not it; returns how many.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        var stale = (await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue), cancellationToken))
            .Where(i => i.ReminderDueAt != options.Value.DueFor(i))
            .Select(i => i.Number)
            .ToList();
        foreach (var number in stale)
        {
            // One that came due while the bot was down is posted now; the others only get their time stored.
            await RemindAsync(number, cancellationToken);
        }
        return stale.Count;
    }

    /// <summary>Posts every reminder that is due now; returns how many were posted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var due = await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue) { ReminderDueBy = time.GetUtcNow() }, cancellationToken);
        var posted = 0;
        foreach (var incident in due.OrderBy(i => i.ReminderDueAt))
        {
            posted += await RemindAsync(incident.Number, cancellationToken) ? 1 : 0;
        }
        return posted;
    }

    /// <summary>Reminds if one is due; true when a reminder was posted (counted: an update may have come just before).</summary>
    private async Task<bool> RemindAsync(int number, CancellationToken cancellationToken)
    {
        using var scope = logger.IncidentScope(number);
        var result = await service.RemindAsync(number, options.Value, cancellationToken);
        if (result.Problem is not null || result.Notice is not null)
        {
            return false;
        }
        metrics.ReminderFired();
        logger.LogInformation("Status-update reminder posted for INC-{Incident}", number);
        return true;
    }
}

/// <summary>
/// The reminder job of versions before 0009, kept so that the jobs an older replica schedules during a rolling update
/// still run (Quartz finds a job by its class name): it does what the sweep does for its incident.
/// </summary>
[DisallowConcurrentExecution]
public sealed class UpdateReminderJob(IncidentService incidents, IOptions<ReminderOptions> options, BotMetrics metrics) : IJob
{
    public const string IncidentKey = "incident";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var result = await incidents.RemindAsync(context.MergedJobDataMap.GetInt(IncidentKey), options.Value, cancellationToken);
        if (result.Problem is null && result.Notice is null)
        {
            metrics.ReminderFired();
        }
    }
}
