using IncidentBot.Alerts;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>
    /// Correlates a batch of accepted alerts into incidents and consumes their inbox entries, all in one commit.
    /// A notification sent again changes nothing: the alert is matched by fingerprint and its status compared.
    /// </summary>
    public Task<int> IngestAsync(IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken = default) =>
        IngestCommittedAsync((tx, storm) =>
        {
            tx.Changes.ConsumedInboxEntries.AddRange(entries.Select(e => e.Id));
            return IngestAllAsync(tx, entries.Select(e => e.Alert).ToList(), storm);
        }, cancellationToken);

    /// <summary>
    /// Correlates alerts as they arrive, before their senders are answered, in one durable commit: the alerts are
    /// stored attached to their incidents, with no inbox entry to write and delete (see <see cref="AlertInbox"/>).
    /// </summary>
    public Task<int> CorrelateAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken = default) =>
        IngestCommittedAsync((tx, storm) => IngestAllAsync(tx, alerts, storm), cancellationToken);

    /// <summary>
    /// <see cref="CorrelateAsync(IReadOnlyList{Alert}, CancellationToken)"/>, asking <paramref name="nothingOlderWaits"/>
    /// once the alerts are correlated and before anything is stored: when it answers false, nothing is stored and
    /// <see cref="OlderAlertsWaitException"/> is thrown, so the caller can queue the alerts behind the older ones. The
    /// caller's check runs while the batch is read instead of before it.
    /// </summary>
    public Task<int> CorrelateAsync(IReadOnlyList<Alert> alerts, Func<ValueTask<bool>> nothingOlderWaits, CancellationToken cancellationToken = default) =>
        IngestCommittedAsync(async (tx, storm) =>
        {
            var opened = await IngestAllAsync(tx, alerts, storm);
            return await nothingOlderWaits() ? opened : throw new OlderAlertsWaitException();
        }, cancellationToken);

    /// <summary>
    /// Runs an ingest with a fresh storm digest per attempt; once it committed, the alerts whose summary was not posted
    /// wait for the next one (<see cref="AlertStormSummaries"/>).
    /// </summary>
    private async Task<int> IngestCommittedAsync(Func<IncidentTransaction, AlertStormDigest, ValueTask<int>> ingest, CancellationToken cancellationToken)
    {
        AlertStormDigest storm = new();
        var opened = await ExecuteAsync(tx =>
        {
            storm = new AlertStormDigest();
            return ingest(tx, storm);
        }, cancellationToken);
        stormSummaries.Committed(storm, time.GetUtcNow());
        return opened;
    }

    /// <summary>
    /// Posts the summary of an incident's later alerts that waited for their interval (<see cref="AlertStormFlusher"/>);
    /// returns whether anything waited.
    /// </summary>
    public async Task<bool> PostWaitingAlertSummaryAsync(int number, CancellationToken cancellationToken = default)
    {
        var posted = await ExecuteAsync(async tx =>
            await tx.FindAsync(number) is { } incident && incident.Status.IsOpen() && stormSummaries.PostWaiting(tx, incident), cancellationToken);
        if (posted)
        {
            stormSummaries.Flushed(number, time.GetUtcNow());
        }
        else
        {
            stormSummaries.Forget(number);
        }
        return posted;
    }

    /// <summary>Returns how many incidents the alerts opened.</summary>
    private async ValueTask<int> IngestAllAsync(IncidentTransaction tx, IReadOnlyList<Alert> alerts, AlertStormDigest storm)
    {
        await PreloadAlertsAsync(tx, alerts);
        var opened = 0;
        foreach (var alert in alerts)
        {
            opened += await IngestAsync(tx, alert, storm) ? 1 : 0;
        }
        stormSummaries.PostDue(tx, storm);
        return opened;
    }

    /// <summary>
    /// Reads what the batch may update in a few queries, however many alerts and groups it holds: the open incidents
    /// of its alert groups, the stored alerts of those incidents, and the numbers of the incidents it will open.
    /// </summary>
    private async ValueTask PreloadAlertsAsync(IncidentTransaction tx, IReadOnlyList<Alert> alerts)
    {
        var groupKeys = alerts.Select(options.Value.GroupKeyFor).ToList();
        await tx.PreloadOpenIncidentsAsync(groupKeys);
        var ids = new List<string>();
        var toOpen = new HashSet<string>();
        for (var i = 0; i < alerts.Count; i++)
        {
            if (await tx.FindOpenByGroupKeyAsync(groupKeys[i]) is { } open)
            {
                ids.Add(IncidentAlert.IdFor(open.Number, alerts[i].Source, alerts[i].Fingerprint));
            }
            else if (alerts[i].Status == AlertStatus.Firing)
            {
                toOpen.Add(groupKeys[i]);
            }
        }
        // A resolved alert may still count as firing in an incident resolved before it (see ResolveInClosedIncidentsAsync).
        foreach (var (alert, groupKey) in alerts.Zip(groupKeys).Where(a => a.First.Status == AlertStatus.Resolved).DistinctBy(a => (a.First.Source, a.First.Fingerprint, a.Second)))
        {
            foreach (var closed in await tx.ClosedByGroupKeyAsync(groupKey, ClosedIncidentsChecked, ClosedIncidentsAmongLatest))
            {
                if (closed.FiringAlertCount > 0)
                {
                    ids.Add(IncidentAlert.IdFor(closed.Number, alert.Source, alert.Fingerprint));
                }
            }
        }
        await tx.PreloadAlertsAsync(ids);
        // A firing alert of a group with no open incident opens one: number them all at once.
        await tx.ReserveNumbersAsync(toOpen.Count);
    }

    /// <summary>Returns true when the alert opened a new incident.</summary>
    private async ValueTask<bool> IngestAsync(IncidentTransaction tx, Alert alert, AlertStormDigest storm)
    {
        var groupKey = options.Value.GroupKeyFor(alert);
        var resolvedInClosed = alert.Status == AlertStatus.Resolved && await ResolveInClosedIncidentsAsync(tx, alert, groupKey);
        var incident = await tx.FindOpenByGroupKeyAsync(groupKey);
        var opened = false;
        if (incident is null)
        {
            if (alert.Status == AlertStatus.Resolved)
            {
                if (!resolvedInClosed)
                {
                    logger.LogInformation("Resolved alert {Source}/{Fingerprint} matches no open incident; nothing to do", alert.Source, alert.Fingerprint);
                }
                return false;
            }
            incident = await OpenFromAsync(tx, alert, groupKey);
            opened = true;
        }

        var id = IncidentAlert.IdFor(incident.Number, alert.Source, alert.Fingerprint);
        var existing = await tx.FindAlertAsync(incident, id);
        var firingBefore = incident.FiringAlertCount;
        if (existing is null)
        {
            var attached = Attach(tx, incident, alert, announce: !opened);
            if (!opened)
            {
                storm.Add(incident, attached);
            }
        }
        else if (existing.Status != alert.Status)
        {
            ChangeStatus(tx, incident, existing, alert);
            storm.Add(incident, existing);
        }
        else
        {
            return false;
        }

        if (alert.Status == AlertStatus.Firing)
        {
            Escalate(tx, incident, alert);
        }
        if (firingBefore > 0 && incident.FiringAlertCount == 0)
        {
            await AllResolvedAsync(tx, incident);
        }
        return opened;
    }

    /// <summary>How many of a group's newest resolved incidents a resolved alert is looked for in.</summary>
    private const int ClosedIncidentsChecked = 3;

    /// <summary>
    /// ... among this many of the latest incidents: no index serves resolved incidents by group key, so the lookup reads
    /// at most this many rows (an alert resolving after thousands of newer incidents opened is not looked for).
    /// </summary>
    private const int ClosedIncidentsAmongLatest = 1000;

    /// <summary>
    /// An incident resolved by hand while some of its alerts were firing keeps counting them as firing until they
    /// resolve; their resolution arrives when the incident is no longer open (or another incident of the group is),
    /// so it is looked for in the group's newest resolved incidents too, and their firing counts stay true. Returns
    /// true when it resolved the alert in one of them.
    /// </summary>
    private async ValueTask<bool> ResolveInClosedIncidentsAsync(IncidentTransaction tx, Alert alert, string groupKey)
    {
        var found = false;
        foreach (var closed in await tx.ClosedByGroupKeyAsync(groupKey, ClosedIncidentsChecked, ClosedIncidentsAmongLatest))
        {
            if (closed.FiringAlertCount == 0
                || await tx.FindAlertAsync(closed, IncidentAlert.IdFor(closed.Number, alert.Source, alert.Fingerprint)) is not { Status: AlertStatus.Firing } stale)
            {
                continue;
            }
            ChangeStatus(tx, closed, stale, alert);
            found = true;
            logger.LogInformation("Resolved alert {Source}/{Fingerprint} resolved in {Incident}, which was resolved before it", alert.Source, alert.Fingerprint, closed.Reference);
            if (closed.FiringAlertCount == 0)
            {
                tx.Record(closed, BotActor, TimelineKinds.AllAlertsResolved, $"All {closed.AlertCount} alerts have resolved");
            }
        }
        return found;
    }

    private async ValueTask<Incident> OpenFromAsync(IncidentTransaction tx, Alert alert, string groupKey)
    {
        var mapped = options.Value.TryMapSeverity(alert.Severity, out var severity);
        var incident = await tx.OpenAsync(
            new Incident
            {
                Title = alert.Title,
                Severity = severity,
                Service = options.Value.FindService(alert.Labels),
                GroupKey = groupKey,
            },
            alert.Source, TimelineKinds.Opened, $"Opened from {alert.Source} alert: {alert.Title}");
        if (!mapped)
        {
            RecordUnmappedSeverity(tx, incident, alert);
        }
        tx.PostCard(incident);
        LogOpened(incident);
        if (runbooks.FindMatch(alert.Labels) is { } runbook)
        {
            StartSession(tx, incident, runbook, BotActor);
        }
        return incident;
    }

    /// <summary>
    /// An alert severity nobody mapped (e.g. <c>urgent</c>) is not silently SEV3: the timeline says what it became and
    /// how to map it, and the log says so for the operator.
    /// </summary>
    private void RecordUnmappedSeverity(IncidentTransaction tx, Incident incident, Alert alert)
    {
        var shown = Chat.ChatText.Shorten(alert.Severity!.Trim(), 40);
        tx.Record(incident, alert.Source, TimelineKinds.SeverityUnmapped,
            $"The alert's severity '{shown}' is not in Incidents:SeverityMap, so {incident.Reference} is {incident.Severity.Display()} " +
            $"(Incidents:DefaultSeverity). To map it, add it to Incidents:SeverityMap with Sev1 to Sev4, e.g. \"{shown}\": \"Sev2\".");
        logger.LogWarning("Alert severity {AlertSeverity} from {Source} is not in Incidents:SeverityMap; {Incident} opened as {Severity}",
            shown, alert.Source, incident.Reference, incident.Severity.Display());
    }

    private static IncidentAlert Attach(IncidentTransaction tx, Incident incident, Alert alert, bool announce)
    {
        var attached = IncidentAlert.From(alert, incident.Number, tx.Now);
        tx.Add(attached);
        incident.AlertCount++;
        if (alert.Status == AlertStatus.Firing)
        {
            incident.FiringAlertCount++;
        }
        if (announce || alert.Status == AlertStatus.Resolved)
        {
            var (kind, verb) = alert.Status == AlertStatus.Firing ? (TimelineKinds.AlertFiring, "firing") : (TimelineKinds.AlertResolved, "resolved");
            tx.RecordAlert(incident, alert.Source, kind, verb, alert.Title, alert.Fingerprint);
        }
        else
        {
            tx.Touch(incident);
        }
        return attached;
    }

    private static void ChangeStatus(IncidentTransaction tx, Incident incident, IncidentAlert existing, Alert alert)
    {
        existing.Status = alert.Status;
        existing.EndsAt = alert.EndsAt;
        existing.Raw = alert.Raw;
        if (alert.Status == AlertStatus.Resolved)
        {
            existing.ResolvedAt = tx.Now;
            incident.FiringAlertCount--;
            tx.RecordAlert(incident, alert.Source, TimelineKinds.AlertResolved, "resolved", existing.Title, existing.Fingerprint);
        }
        else
        {
            existing.ResolvedAt = null;
            existing.StartsAt = alert.StartsAt;
            incident.FiringAlertCount++;
            tx.RecordAlert(incident, alert.Source, TimelineKinds.AlertFiring, "firing again", existing.Title, existing.Fingerprint);
        }
        tx.Save(existing);
    }

    /// <summary>A worse alert joining the incident raises its severity; people lower it, the bot never does.</summary>
    private void Escalate(IncidentTransaction tx, Incident incident, Alert alert)
    {
        var severity = options.Value.MapSeverity(alert.Severity);
        if (severity >= incident.Severity || !incident.Status.IsOpen())
        {
            return;
        }
        var before = incident.Severity;
        incident.Severity = severity;
        tx.Record(incident, alert.Source, TimelineKinds.SeverityChanged, $"Severity raised from {before.Display()} to {severity.Display()} by alert: {alert.Title}");
        tx.Post(incident, IncidentMessages.Event(incident, $"A {alert.Severity} alert raised {incident.Reference} from {before.Display()} to **{severity.Display()}**: {alert.Title}"));
    }

    private async ValueTask AllResolvedAsync(IncidentTransaction tx, Incident incident)
    {
        tx.Record(incident, BotActor, TimelineKinds.AllAlertsResolved, $"All {incident.AlertCount} alerts have resolved");
        if (options.Value.AutoResolve && incident.Status.IsOpen())
        {
            await ResolveAsync(tx, incident, "every alert resolved", BotActor);
            return;
        }
        if (incident.Status.IsOpen())
        {
            tx.Post(incident, IncidentMessages.Event(incident,
                $"All {incident.AlertCount} alerts of {incident.Reference} have resolved. When you are sure it is over, `resolve <summary>`."));
        }
    }
}
