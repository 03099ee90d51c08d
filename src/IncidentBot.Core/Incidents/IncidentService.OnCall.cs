using IncidentBot.OnCall;
using IncidentBot.Roles;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>The timeline's actor for what the on-call lookup did.</summary>
    public const string OnCallActor = "oncall";

    /// <summary>
    /// Records the on-call ask (<see cref="Incident.OnCall"/>) and makes its person commander (as
    /// <see cref="AssignRoleAsync"/> does, by <see cref="OnCallActor"/>), all inside one commit with the incident's
    /// version check: an incident asked before (by this process before a restart, or by another replica) is left as
    /// it is, and a commander a person set is never replaced. <paramref name="note"/> (the source that answered, every
    /// failure) goes on the timeline whenever the ask is recorded. <paramref name="asked"/>'s <see cref="OnCallAsk.Handle"/>
    /// is null when nobody was found.
    /// </summary>
    public Task<IncidentResult> AskOnCallAsync(int number, OnCallAsk asked, string note, TimeSpan acceptWithin, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            // A copy per attempt: a retried commit starts from the caller's ask, never from what a failed attempt made of it.
            var ask = asked.Copy();
            if (incident.OnCall is not null)
            {
                return tx.NothingToDo($"On-call was already asked for {incident.Reference}.");
            }
            var holder = incident.Roles.GetValueOrDefault(RoleCatalog.Commander);
            var kept = holder is null ? "" : $" @{holder} stays commander: a commander a person set is never replaced.";
            tx.Record(incident, OnCallActor, TimelineKinds.Note, note + kept);
            incident.OnCall = ask;
            if (ask.Handle is not { } user || holder is not null || !incident.Status.IsOpen() || roles.Find(RoleCatalog.Commander) is not { } commander)
            {
                // Kept so nobody asks again, but nobody is waited for.
                ask.Handle = null;
                ask.Email = null;
                return null;
            }
            ask.AskedAt = tx.Now;
            ask.Asked = [user];
            var problem = AssignRole(tx, incident, commander, user, OnCallActor);
            PostAsk(tx, incident, ask, acceptWithin, why: null);
            return problem;
        }, cancellationToken);

    /// <summary>
    /// <c>accept</c>: the person on-call asked takes command for good (matched by handle, or by the e-mail the platform
    /// proved); anyone else is told who may, and what they can do instead.
    /// </summary>
    public Task<IncidentResult> AcceptOnCallAsync(int number, string actor, string? actorEmail, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (WaitingAsk(tx, incident, "accept") is { } notWaiting)
            {
                return notWaiting;
            }
            var ask = incident.OnCall!;
            if (ask.AcceptedAt is { } accepted)
            {
                return tx.NothingToDo($"@{ask.Handle} already accepted command of {incident.Reference} at {IncidentMessages.Time(accepted)}.");
            }
            if (!ask.IsAsked(actor, actorEmail))
            {
                return $"Only @{ask.Handle}, whom on-call asked to command {incident.Reference}, can accept. "
                    + "To take command yourself use `role commander`; to pass it on, `handoff @person`.";
            }
            ask.AcceptedAt = tx.Now;
            var waited = DurationText.Of(tx.Now - ask.AskedAt);
            tx.Record(incident, actor, TimelineKinds.OnCallAccepted, $"{ask.Handle} accepted command (on call for {ask.Component}, level {ask.Level}) after {waited}");
            tx.Post(incident, IncidentMessages.Event(incident, $"✅ **@{ask.Handle}** accepted command of {incident.Reference}."));
            return null;
        }, cancellationToken);

    /// <summary>
    /// <c>handoff [@person]</c>: the person on-call asked passes command on, to <paramref name="to"/> or, without
    /// one, to the next on-call person (the others on their level first, then the next level). The new person is asked
    /// as the first was: they accept, or the next level is asked when <paramref name="acceptWithin"/> passes. A person
    /// named by hand who is not on call is mentioned by <paramref name="toEmail"/> (the catalog's, when it knows them).
    /// </summary>
    public Task<IncidentResult> HandOffOnCallAsync(int number, string actor, string? actorEmail, string? to, string? toEmail, TimeSpan acceptWithin, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (WaitingAsk(tx, incident, "hand off") is { } notWaiting)
            {
                return notWaiting;
            }
            var ask = incident.OnCall!;
            if (!ask.IsAsked(actor, actorEmail))
            {
                return $"Only @{ask.Handle}, the on-call commander of {incident.Reference}, can hand off. "
                    + "To take command yourself use `role commander`; to give it to someone, `role commander @person`.";
            }
            OnCallCandidate? next;
            if (to is null)
            {
                next = ask.NextPerson();
                if (next is null)
                {
                    return $"Nobody else is on call for {ask.Component}: @{ask.Handle} stays commander. Name someone: `handoff @person`.";
                }
            }
            else
            {
                next = ask.People.FirstOrDefault(p => string.Equals(p.Handle, to, StringComparison.OrdinalIgnoreCase))
                    ?? new OnCallCandidate { Handle = to, Email = toEmail, Level = ask.Level };
                if (ask.IsAsked(next.Handle, next.Email))
                {
                    return tx.NothingToDo($"@{ask.Handle} is already the on-call commander of {incident.Reference}.");
                }
            }
            var from = ask.Handle!;
            var named = to is null ? $"the next on call for {ask.Component}, level {next.Level}" : "named by hand";
            tx.Record(incident, actor, TimelineKinds.OnCallHandedOff, $"{from} handed command to {next.Handle} ({named})");
            return AskNext(tx, incident, next, acceptWithin, why: $"@{from} handed command on.");
        }, cancellationToken);

    /// <summary>
    /// The person asked did not accept within <paramref name="acceptWithin"/>: the next level's first person is asked
    /// (and becomes commander), and the timeline says why; with nobody left, the timeline says so and the last one
    /// asked stays commander. Checked inside the commit, so a second replica firing the same escalation changes nothing.
    /// </summary>
    public Task<IncidentResult> EscalateOnCallAsync(int number, TimeSpan acceptWithin, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            var ask = incident.OnCall;
            var commander = incident.Roles.GetValueOrDefault(RoleCatalog.Commander);
            if (ask?.EscalatesAt(commander, acceptWithin) is not { } due || due > tx.Now || !incident.Status.IsOpen())
            {
                return tx.NothingToDo($"No on-call escalation is due for {incident.Reference}.");
            }
            var within = OnCallAsk.Describe(acceptWithin);
            if (ask.NextLevel() is not { } next)
            {
                ask.Exhausted = true;
                tx.Record(incident, OnCallActor, TimelineKinds.OnCallEscalated,
                    $"{ask.Handle} did not accept within {within} and nobody above level {ask.Level} is on call for {ask.Component}: {ask.Handle} stays commander");
                tx.Post(incident, IncidentMessages.Event(incident,
                    $"⚠️ @{ask.Handle} has not accepted command of {incident.Reference} within {within}, and nobody else is on call for {ask.Component}. @{ask.Handle} stays commander; anyone can take over with `role commander`."));
                return null;
            }
            tx.Record(incident, OnCallActor, TimelineKinds.OnCallEscalated,
                $"{ask.Handle} did not accept within {within}: asking level {next.Level} of {ask.Component}, {next.Handle}");
            return AskNext(tx, incident, next, acceptWithin, why: $"@{ask.Handle} did not accept within {within}.");
        }, cancellationToken);

    /// <summary>Null while an on-call ask waits for its person (still commander); else why there is nothing to <paramref name="verb"/>.</summary>
    private static string? WaitingAsk(IncidentTransaction tx, Incident incident, string verb)
    {
        if (!incident.Status.IsOpen())
        {
            return tx.NothingToDo($"{incident.Reference} is {IncidentMessages.StatusSince(incident)}: there is nothing to {verb}.{StaleButtonHint}");
        }
        var ask = incident.OnCall;
        if (ask?.Handle is null)
        {
            return $"On-call asked nobody to command {incident.Reference}, so there is nothing to {verb}. Take command with `role commander`.";
        }
        var commander = incident.Roles.GetValueOrDefault(RoleCatalog.Commander);
        if (!string.Equals(commander, ask.Handle, StringComparison.OrdinalIgnoreCase))
        {
            var now = commander is null ? "nobody is commander now" : $"@{commander} is commander now";
            return tx.NothingToDo($"The on-call ask of {incident.Reference} is over: {now}, set by a person.{StaleButtonHint}");
        }
        return null;
    }

    /// <summary>Makes <paramref name="next"/> the commander and the person asked, waiting for their Accept anew.</summary>
    private string? AskNext(IncidentTransaction tx, Incident incident, OnCallCandidate next, TimeSpan acceptWithin, string why)
    {
        var ask = incident.OnCall!;
        if (roles.Find(RoleCatalog.Commander) is not { } commander)
        {
            return "This bot has no commander role configured.";
        }
        var problem = AssignRole(tx, incident, commander, next.Handle, OnCallActor);
        ask.Handle = next.Handle;
        ask.Email = next.Email;
        ask.Level = next.Level;
        ask.AskedAt = tx.Now;
        ask.AcceptedAt = null;
        ask.Exhausted = false;
        if (!ask.Asked.Contains(next.Handle, StringComparer.OrdinalIgnoreCase))
        {
            ask.Asked.Add(next.Handle);
        }
        PostAsk(tx, incident, ask, acceptWithin, why);
        return problem;
    }

    /// <summary>The message that pulls the person asked in: a real mention on each platform that has one.</summary>
    private static void PostAsk(IncidentTransaction tx, Incident incident, OnCallAsk ask, TimeSpan acceptWithin, string? why) =>
        tx.Post(incident, IncidentMessages.OnCallAsk(incident, ask, acceptWithin, why));
}
