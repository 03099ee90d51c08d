using IncidentBot.Reminders;
using IncidentBot.Roles;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>
    /// A reminder came due: unless an update was posted meanwhile, the missed update goes on the timeline and the
    /// commander (or, with no commander, the channel) is asked for one.
    /// </summary>
    public Task<IncidentResult> RemindAsync(int number, ReminderOptions reminders, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            var dueFor = reminders.DueFor(incident);
            if (dueFor is not { } due || due > tx.Now)
            {
                // The stored due time was not this one (written by an older version, or before the intervals changed):
                // the right one is stored, so the sweep does not come back for it.
                if (incident.ReminderDueAt != dueFor)
                {
                    tx.Touch(incident);
                }
                return tx.NothingToDo("No reminder is due.");
            }
            var interval = DurationText.Of(reminders.IntervalFor(incident.Severity)!.Value);
            incident.LastReminderAt = tx.Now;
            var who = incident.Roles.TryGetValue(RoleCatalog.Commander, out var commander) ? $"@{commander}" : "Nobody is commander:";
            tx.Record(incident, BotActor, TimelineKinds.MissedUpdate, $"No status update for {interval} ({incident.Severity.Display()} expects one every {interval})");
            tx.Post(incident, IncidentMessages.Event(incident,
                $"⏰ {incident.Reference} has had no status update for {interval}. {who} please post one with `update <text>`."));
            return null;
        }, cancellationToken);
}
