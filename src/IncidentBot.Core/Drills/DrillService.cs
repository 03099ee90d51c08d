using IncidentBot.Incidents;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Drills;

/// <summary>
/// Schedules, runs and cancels drills. Only leads may, which their callers check (<see cref="Access.AccessPolicy"/>:
/// the chat command's role, the HTTP endpoint's). Every answer is meant to be read by a person.
/// </summary>
public sealed class DrillService(
    IDrillStore store,
    RunbookLibrary runbooks,
    IncidentService incidents,
    IDrillScheduler scheduler,
    IOptions<DrillOptions> options,
    TimeProvider time,
    BotMetrics metrics,
    ILogger<DrillService> logger)
{
    public DrillOptions Options => options.Value;

    /// <summary>Checks, stores and registers a schedule; the answer echoes the next three runs in its time zone.</summary>
    public async Task<DrillOutcome> ScheduleAsync(string cron, string runbookId, Severity? severity, string? timeZone, IReadOnlyList<string>? participants, string actor, CancellationToken cancellationToken)
    {
        if (DrillCron.Problem(cron) is { } problem)
        {
            return DrillOutcome.Refused(problem);
        }
        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? (string.IsNullOrWhiteSpace(Options.TimeZone) ? "UTC" : Options.TimeZone) : timeZone;
        if (!DrillCron.TryFindTimeZone(zoneId, out var zone))
        {
            return DrillOutcome.Refused($"`{zoneId}` is not a time zone this machine knows. Use an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`.");
        }
        if (runbooks.Find(runbookId) is not { } runbook)
        {
            return DrillOutcome.Refused($"There is no runbook `{runbookId}`. {incidents.AvailableRunbooks()}");
        }
        var now = time.GetUtcNow();
        var next = DrillCron.Next(cron, zone, now, 3);
        if (next.Count == 0)
        {
            return DrillOutcome.Refused($"`{cron}` never fires again after {DrillCron.Describe(now, zone)}.");
        }
        var schedule = new DrillSchedule
        {
            Id = await store.NextScheduleIdAsync(cancellationToken),
            RunbookId = runbook.Id,
            Cron = cron,
            TimeZone = zone.Id,
            Severity = severity ?? runbook.Severity ?? Severity.Sev3,
            Participants = [.. participants ?? Options.Participants],
            CreatedBy = actor,
            CreatedAt = now,
        };
        await store.SaveScheduleAsync(schedule, cancellationToken);
        await scheduler.ScheduleAsync(schedule, cancellationToken);
        logger.LogInformation("Drill {Id} scheduled by {Actor}: {Runbook} at {Cron} ({Zone})", schedule.Id, actor, runbook.Id, cron, zone.Id);
        var times = string.Join("\n", next.Select(t => $"- {DrillCron.Describe(t, zone)}"));
        return DrillOutcome.Done(schedule, $"Drill **{schedule.Id}** scheduled: `{runbook.Id}` as {schedule.Severity.Display()}, `{cron}` in {zone.Id}. Next runs:\n{times}");
    }

    public async Task<DrillOutcome> CancelAsync(string id, string actor, CancellationToken cancellationToken)
    {
        // Schedule ids are written lower case (d1, d2, …); someone typing D1 means the same one.
        id = id.Trim().ToLowerInvariant();
        if (await store.FindScheduleAsync(id, cancellationToken) is not { CancelledAt: null } schedule)
        {
            return DrillOutcome.Refused($"There is no active drill schedule `{id}`. `drill list` shows them.");
        }
        schedule.CancelledAt = time.GetUtcNow();
        await store.SaveScheduleAsync(schedule, cancellationToken);
        await scheduler.UnscheduleAsync(id, cancellationToken);
        logger.LogInformation("Drill {Id} cancelled by {Actor}", id, actor);
        return DrillOutcome.Done(schedule, $"Drill **{id}** (`{schedule.RunbookId}`) is cancelled; it will not run again.");
    }

    /// <summary>Active schedules with their next run, and the last run missed while the bot was down.</summary>
    public async Task<IReadOnlyList<DrillScheduleView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var views = new List<DrillScheduleView>();
        foreach (var s in (await store.SchedulesAsync(cancellationToken)).Where(s => s.CancelledAt is null))
        {
            DrillCron.TryFindTimeZone(s.TimeZone, out var zone);
            var next = DrillCron.Next(s.Cron, zone, now, 1).Select(t => DrillCron.Describe(t, zone)).FirstOrDefault();
            var missed = (await store.RunsOfAsync(s.Id, cancellationToken)).FirstOrDefault(r => r.Missed)?.ScheduledFor;
            views.Add(new DrillScheduleView(s, next, missed));
        }
        return views;
    }

    /// <summary>Starts a drill now (<c>drill run</c>), or for a schedule whose time came.</summary>
    public async Task<IncidentResult> RunAsync(string runbookId, string actor, DrillSchedule? schedule, DateTimeOffset scheduledFor, CancellationToken cancellationToken)
    {
        if (runbooks.Find(runbookId) is not { } runbook)
        {
            return IncidentResult.Refused(null, $"There is no runbook `{runbookId}`. {incidents.AvailableRunbooks()}");
        }
        var participants = schedule?.Participants is { Count: > 0 } own ? own : Options.Participants;
        var result = await incidents.StartDrillAsync(runbook, schedule?.Severity ?? runbook.Severity ?? Severity.Sev3, participants, actor, cancellationToken);
        await store.SaveRunAsync(new DrillRun { ScheduleId = schedule?.Id, RunbookId = runbook.Id, IncidentNumber = result.Incident!.Number, ScheduledFor = scheduledFor, StartedAt = time.GetUtcNow() }, cancellationToken);
        metrics.DrillStarted(scheduled: schedule is not null);
        return result;
    }

    /// <summary>
    /// A schedule's time came (Quartz calls this, or <see cref="CatchUpAsync"/> for a time missed while down). The time
    /// is claimed in the store first, so it runs once even when two replicas reach it; false when it was not run here.
    /// A process that dies between the claim and the drill's incident loses that one run rather than risking two.
    /// </summary>
    public async Task<bool> FireAsync(string scheduleId, DateTimeOffset scheduledFor, CancellationToken cancellationToken)
    {
        if (await store.FindScheduleAsync(scheduleId, cancellationToken) is not { CancelledAt: null } schedule)
        {
            return false;
        }
        if (!await store.ClaimFireAsync(scheduleId, scheduledFor, cancellationToken))
        {
            logger.LogInformation("Drill {Id} due at {Due} was already run or recorded (by another replica, or for a later time); not run again", scheduleId, scheduledFor);
            return false;
        }
        var result = await RunAsync(schedule.RunbookId, IncidentService.BotActor, schedule, scheduledFor, cancellationToken);
        logger.LogInformation("Drill {Id} due at {Due} ran as {Incident}", scheduleId, scheduledFor, result.Incident?.Reference ?? result.Problem);
        return true;
    }

    /// <summary>
    /// At start-up: a schedule whose time passed while the bot was down runs once if that time is within
    /// <c>Drills:MisfireGrace</c>; an older one is recorded as missed and the leads are told in the log. Each time is
    /// claimed in the store like any run, so replicas starting together run or record it once between them (and
    /// a late trigger the cluster fires for the same time does not run it again).
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var schedule in (await store.SchedulesAsync(cancellationToken)).Where(s => s.CancelledAt is null))
        {
            DrillCron.TryFindTimeZone(schedule.TimeZone, out var zone);
            if (DrillCron.LastDue(schedule.Cron, zone, schedule.LastFireAt ?? schedule.CreatedAt, now) is not { } due)
            {
                continue;
            }
            if (now - due <= Options.MisfireGrace)
            {
                logger.LogWarning("Drill {Id} was due at {Due} while IncidentBot was down; running it now (within the misfire grace)", schedule.Id, due);
                await FireAsync(schedule.Id, due, cancellationToken);
                continue;
            }
            if (!await store.ClaimFireAsync(schedule.Id, due, cancellationToken))
            {
                continue;
            }
            await store.SaveRunAsync(new DrillRun { ScheduleId = schedule.Id, RunbookId = schedule.RunbookId, ScheduledFor = due, Missed = true }, cancellationToken);
            logger.LogWarning("Drill {Id} ({Runbook}) was missed at {Due}: IncidentBot was down longer than the misfire grace. Leads: {Leads}",
                schedule.Id, schedule.RunbookId, due, string.Join(", ", Options.Leads));
        }
    }
}

/// <summary>A schedule as people read it: when it runs next, and whether a run was missed.</summary>
public sealed record DrillScheduleView(DrillSchedule Schedule, string? NextRun, DateTimeOffset? LastMissed);

/// <summary>What a drill command did, or why not.</summary>
public sealed record DrillOutcome(DrillSchedule? Schedule, string Text, bool Ok)
{
    public static DrillOutcome Done(DrillSchedule schedule, string text) => new(schedule, text, true);

    public static DrillOutcome Refused(string text) => new(null, text, false);
}
