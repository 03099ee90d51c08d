using IncidentBot.Chat;
using IncidentBot.Roles;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>Opens an incident by hand.</summary>
    public Task<IncidentResult> DeclareAsync(string title, Severity severity, string actor, string? service = null, bool isDrill = false, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async tx =>
        {
            var incident = await tx.OpenAsync(
                new Incident { Title = title.Trim(), Severity = severity, Service = service, IsDrill = isDrill },
                actor, TimelineKinds.Declared, $"Declared by {actor} as {severity.Display()}: {title.Trim()}");
            tx.PostCard(incident);
            LogOpened(incident);
            return new IncidentResult(incident, tx.Posted);
        }, cancellationToken);

    public Task<IncidentResult> AcknowledgeAsync(int number, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (incident.Status != IncidentStatus.Triggered)
            {
                return tx.NothingToDo($"{incident.Reference} is already {IncidentMessages.StatusSince(incident)}: there is nothing to acknowledge.{StaleButtonHint}");
            }
            incident.Status = IncidentStatus.Acknowledged;
            incident.AcknowledgedAt = tx.Now;
            tx.Record(incident, actor, TimelineKinds.Acknowledged, $"Acknowledged by {actor}");
            tx.Post(incident, IncidentMessages.Event(incident, $"**@{actor}** acknowledged {incident.Reference}."));
            return null;
        }, cancellationToken);

    public Task<IncidentResult> AssignRoleAsync(int number, RoleDefinition role, string user, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) => AssignRole(tx, incident, role, user, actor), cancellationToken);

    private string? AssignRole(IncidentTransaction tx, Incident incident, RoleDefinition role, string user, string actor)
    {
        if (!incident.Status.IsOpen())
        {
            return tx.NothingToDo($"{incident.Reference} is {IncidentMessages.StatusSince(incident)}: roles can no longer change.{StaleButtonHint}");
        }
        if (incident.Roles.TryGetValue(role.Id, out var holder) && holder == user)
        {
            return tx.NothingToDo($"@{user} is already {role.Name.ToLowerInvariant()} of {incident.Reference}.");
        }
        incident.Roles[role.Id] = user;
        var handover = holder is null ? "" : $" (taking over from @{holder})";
        tx.Record(incident, actor, TimelineKinds.RoleAssigned, $"{role.Name}: {user}{handover}");
        var duties = string.Join("\n", role.Duties.Select(d => $"- {d}"));
        tx.Post(incident, IncidentMessages.Event(
            incident,
            $"**@{user}** is now {role.Name.ToLowerInvariant()} of {incident.Reference}{handover}.",
            duties.Length > 0 ? [new TextBlock($"Duties of the {role.Name.ToLowerInvariant()}:\n{duties}")] : []));
        return null;
    }

    public Task<IncidentResult> AddNoteAsync(int number, string text, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            tx.Record(incident, actor, TimelineKinds.Note, text);
            // With one runbook running, a note belongs to the step people are on.
            if (incident.RunbookSessions.Where(s => !s.IsFinished).ToList() is [var session])
            {
                session.Current!.Notes.Add($"{actor}: {text}");
            }
            return null;
        }, cancellationToken);

    /// <summary>A follow-up for the review; an owner named last (<c>@bob</c>) is kept with it.</summary>
    public Task<IncidentResult> AddActionItemAsync(int number, string text, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            tx.Record(incident, actor, TimelineKinds.ActionItem, text);
            return null;
        }, cancellationToken);

    public Task<IncidentResult> PostUpdateAsync(int number, string text, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            incident.LastUpdateAt = tx.Now;
            tx.Record(incident, actor, TimelineKinds.StatusUpdate, text);
            tx.Post(incident, new ChatMessage
            {
                Kind = MessageKind.Event,
                IncidentNumber = incident.Number,
                IsDrill = incident.IsDrill,
                Blocks =
                [
                    new HeaderBlock($"{IncidentMessages.Title(incident)} — update"),
                    new TextBlock(text),
                    new FieldsBlock([new("Status", incident.Status.Display()), new("Posted by", $"@{actor}")]),
                ],
            });
            return null;
        }, cancellationToken);

    public Task<IncidentResult> ChangeSeverityAsync(int number, Severity severity, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (incident.Severity == severity)
            {
                return tx.NothingToDo($"{incident.Reference} is already {severity.Display()}.");
            }
            var before = incident.Severity;
            incident.Severity = severity;
            var direction = severity < before ? "raised" : "lowered";
            tx.Record(incident, actor, TimelineKinds.SeverityChanged, $"Severity {direction} from {before.Display()} to {severity.Display()}");
            tx.Post(incident, IncidentMessages.Event(incident, $"**@{actor}** {direction} the severity of {incident.Reference} from {before.Display()} to **{severity.Display()}**."));
            return null;
        }, cancellationToken);

    public Task<IncidentResult> MitigateAsync(int number, string? summary, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (incident.Status is not (IncidentStatus.Triggered or IncidentStatus.Acknowledged))
            {
                return tx.NothingToDo($"{incident.Reference} is already {IncidentMessages.StatusSince(incident)}: there is nothing to mitigate.{StaleButtonHint}");
            }
            incident.Status = IncidentStatus.Mitigated;
            incident.MitigatedAt = tx.Now;
            incident.AcknowledgedAt ??= tx.Now;
            var text = summary is null ? $"Mitigated by {actor}" : $"Mitigated by {actor}: {summary}";
            tx.Record(incident, actor, TimelineKinds.Mitigated, text);
            tx.Post(incident, IncidentMessages.Event(incident, $"**@{actor}** marked {incident.Reference} mitigated{(summary is null ? "." : $": {summary}")}"));
            return null;
        }, cancellationToken);

    public Task<IncidentResult> ResolveAsync(int number, string? summary, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) => ResolveAsync(tx, incident, summary, actor), cancellationToken);

    /// <summary>Closes a resolved incident once its review is complete.</summary>
    public Task<IncidentResult> CloseAsync(int number, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (incident.Status != IncidentStatus.Resolved)
            {
                return $"{incident.Reference} is {incident.Status.Display()}: only a resolved incident can be closed.";
            }
            incident.Status = IncidentStatus.Closed;
            incident.ClosedAt = tx.Now;
            tx.Record(incident, actor, TimelineKinds.Closed, $"Review completed and incident closed by {actor}");
            tx.Post(incident, IncidentMessages.Event(incident, $"**@{actor}** completed the review; {incident.Reference} is closed."));
            return null;
        }, cancellationToken);

    /// <summary>Said with "nothing to do" answers, which often come from a button on a card that has changed since.</summary>
    private const string StaleButtonHint = " The incident's card shows what can be done now.";

    private async ValueTask<string?> ResolveAsync(IncidentTransaction tx, Incident incident, string? summary, string actor)
    {
        if (!incident.Status.IsOpen())
        {
            return tx.NothingToDo($"{incident.Reference} is already {IncidentMessages.StatusSince(incident)}: there is nothing to resolve.{StaleButtonHint}");
        }
        incident.Status = IncidentStatus.Resolved;
        incident.ResolvedAt = tx.Now;
        incident.ResolutionSummary = summary;
        tx.Record(incident, actor, TimelineKinds.Resolved, summary is null ? $"Resolved by {actor}" : $"Resolved by {actor}: {summary}");
        var firing = incident.FiringAlertCount switch
        {
            0 => "",
            1 => "\nOne of its alerts is still firing.",
            var n => $"\n{n} of its alerts are still firing.",
        };
        tx.Post(incident, IncidentMessages.Event(incident, $"**@{actor}** resolved {incident.Reference}{(summary is null ? "." : $": {summary}")}{firing}"));
        if (incident.IsDrill)
        {
            foreach (var reporter in drillReporters)
            {
                await reporter.DrillResolvedAsync(tx, incident);
            }
        }
        return null;
    }
}
