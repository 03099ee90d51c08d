using IncidentBot.Roles;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>The timeline's actor for what the on-call lookup did.</summary>
    public const string OnCallActor = "oncall";

    /// <summary>
    /// The on-call person becomes commander (as <see cref="AssignRoleAsync"/> does, by <see cref="OnCallActor"/>) only
    /// while the incident has none, checked inside the commit, so a commander a person set is never replaced;
    /// <paramref name="note"/> (the source that answered, every failure) goes on the timeline either way.
    /// </summary>
    public Task<IncidentResult> AssignCommanderFromOnCallAsync(int number, string? user, string note, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            var holder = incident.Roles.GetValueOrDefault(RoleCatalog.Commander);
            var kept = holder is null ? "" : $" @{holder} stays commander: a commander a person set is never replaced.";
            tx.Record(incident, OnCallActor, TimelineKinds.Note, note + kept);
            if (user is null || holder is not null || !incident.Status.IsOpen() || roles.Find(RoleCatalog.Commander) is not { } commander)
            {
                return null;
            }
            return AssignRole(tx, incident, commander, user, OnCallActor);
        }, cancellationToken);
}
