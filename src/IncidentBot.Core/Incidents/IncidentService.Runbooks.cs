using IncidentBot.Runbooks;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    public Task<IncidentResult> StartRunbookAsync(int number, string runbookId, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (!incident.Status.IsOpen())
            {
                return $"{incident.Reference} is {incident.Status.Display()}: start runbooks in open incidents.";
            }
            if (runbooks.Find(runbookId) is not { } runbook)
            {
                return $"There is no runbook `{runbookId}`. {AvailableRunbooks()}";
            }
            if (incident.RunbookSessions.Any(s => s.RunbookId == runbook.Id && !s.IsFinished))
            {
                return $"`{runbook.Id}` is already running in {incident.Reference}: `runbook status` shows where it is.";
            }
            StartSession(tx, incident, runbook, actor);
            return null;
        }, cancellationToken);

    /// <summary>Opens a drill: a synthetic incident, marked as a drill everywhere, with its runbook started at once.</summary>
    public Task<IncidentResult> StartDrillAsync(Runbook runbook, Severity severity, IReadOnlyList<string> participants, string actor, CancellationToken cancellationToken = default) =>
        ExecuteAsync(async tx =>
        {
            var incident = await tx.OpenAsync(
                new Incident
                {
                    Title = $"Drill: {runbook.Title}",
                    Severity = severity,
                    Service = runbook.Services.FirstOrDefault(),
                    IsDrill = true,
                    Participants = [.. participants],
                },
                actor, TimelineKinds.Declared, $"Drill of runbook {runbook.Id} started by {actor}");
            tx.PostCard(incident);
            StartSession(tx, incident, runbook, actor);
            LogOpened(incident);
            return new IncidentResult(incident, tx.Posted);
        }, cancellationToken);

    /// <summary><c>done</c>/<c>next</c>: the current step is done; the next one starts.</summary>
    public Task<IncidentResult> CompleteStepAsync(int number, string? arguments, string actor, CancellationToken cancellationToken = default) =>
        ChangeSessionAsync(number, arguments, (tx, incident, session, runbook, rest) => Finish(tx, incident, session, runbook, StepState.Done, rest, actor), cancellationToken);

    /// <summary><c>skip [reason]</c>.</summary>
    public Task<IncidentResult> SkipStepAsync(int number, string? arguments, string actor, CancellationToken cancellationToken = default) =>
        ChangeSessionAsync(number, arguments, (tx, incident, session, runbook, reason) => Finish(tx, incident, session, runbook, StepState.Skipped, reason, actor), cancellationToken);

    /// <summary><c>back</c>: return to the previous step, which becomes current again.</summary>
    public Task<IncidentResult> StepBackAsync(int number, string? arguments, string actor, CancellationToken cancellationToken = default) =>
        ChangeSessionAsync(number, arguments, (tx, incident, session, runbook, _) =>
        {
            if (session.CurrentIndex == 0)
            {
                return $"`{session.RunbookId}` is already at its first step.";
            }
            var current = session.Steps[session.CurrentIndex];
            current.State = StepState.Pending;
            current.StartedAt = null;
            session.CurrentIndex--;
            var previous = session.Steps[session.CurrentIndex];
            previous.State = StepState.Current;
            previous.StartedAt = tx.Now;
            previous.CompletedAt = null;
            previous.By = null;
            previous.SkipReason = null;
            tx.Record(incident, actor, TimelineKinds.StepBack, $"{session.Title}: back to step {session.CurrentIndex + 1}, {previous.Title}");
            tx.Post(incident, RunbookMessages.Moved(incident, session, $"**@{actor}** went back to step {session.CurrentIndex + 1}: {previous.Title}."));
            tx.Post(incident, RunbookMessages.Step(incident, session, runbook));
            return null;
        }, cancellationToken);

    /// <summary><c>check [runbook] &lt;n&gt;</c>: ticks (or unticks) item n of the current step.</summary>
    public Task<IncidentResult> ToggleChecklistItemAsync(int number, string? arguments, string actor, CancellationToken cancellationToken = default) =>
        ChangeSessionAsync(number, arguments, (tx, incident, session, runbook, rest) =>
        {
            var step = session.Steps[session.CurrentIndex];
            if (!int.TryParse(rest, out var item) || item < 1 || item > step.Checklist.Count)
            {
                return step.Checklist.Count == 0
                    ? $"Step {session.CurrentIndex + 1} of `{session.RunbookId}` has no checklist."
                    : $"Say which item to tick, 1 to {step.Checklist.Count}: `check {session.RunbookId} 1`.";
            }
            var entry = step.Checklist[item - 1];
            entry.Checked = !entry.Checked;
            entry.By = entry.Checked ? actor : null;
            entry.At = entry.Checked ? tx.Now : null;
            tx.Record(incident, actor, TimelineKinds.ChecklistTicked, $"{session.Title}, step {session.CurrentIndex + 1}: {(entry.Checked ? "ticked" : "unticked")} \"{entry.Text}\"");
            tx.Post(incident, RunbookMessages.Moved(incident, session, $"**@{actor}** {(entry.Checked ? "ticked" : "unticked")} “{entry.Text}” in step {session.CurrentIndex + 1}."));
            tx.Post(incident, RunbookMessages.Step(incident, session, runbook));
            return null;
        }, cancellationToken);

    /// <summary>The runbooks an incident could start, for refusals that should help.</summary>
    public string AvailableRunbooks() =>
        runbooks.Current.Runbooks.Count == 0
            ? "No runbooks are loaded (see Runbooks:Path)."
            : $"Runbooks: {string.Join(", ", runbooks.Current.Runbooks.Select(r => $"`{r.Id}`"))}.";

    private void StartSession(IncidentTransaction tx, Incident incident, Runbook runbook, string actor)
    {
        var session = new RunbookSession
        {
            RunbookId = runbook.Id,
            Title = runbook.Title,
            Version = runbook.Version,
            StartedAt = tx.Now,
            StartedBy = actor,
            Steps = runbook.Steps.Select(s => new RunbookStepRecord
            {
                Title = s.Title,
                Checklist = s.Checklist.Select(text => new ChecklistItemRecord { Text = text }).ToList(),
            }).ToList(),
        };
        session.Steps[0].State = StepState.Current;
        session.Steps[0].StartedAt = tx.Now;
        incident.RunbookSessions.Add(session);
        tx.Save(runbook);
        var how = actor == BotActor ? "started by a matching alert" : $"started by {actor}";
        tx.Record(incident, actor, TimelineKinds.RunbookStarted, $"Runbook {runbook.Title} ({runbook.Id}, {runbook.Steps.Count} steps) {how}");
        tx.Post(incident, RunbookMessages.Started(incident, runbook, actor));
        tx.Post(incident, RunbookMessages.Step(incident, session, runbook));
    }

    private string? Finish(IncidentTransaction tx, Incident incident, RunbookSession session, Runbook runbook, StepState state, string? note, string actor)
    {
        var number = session.CurrentIndex + 1;
        var step = session.Steps[session.CurrentIndex];
        step.State = state;
        step.By = actor;
        step.CompletedAt = tx.Now;
        if (string.IsNullOrWhiteSpace(note))
        {
            step.SkipReason = null;
        }
        else if (state == StepState.Skipped)
        {
            step.SkipReason = note;
        }
        else
        {
            step.Notes.Add($"{actor}: {note}");
        }
        var took = DurationText.Of(TimeSpan.FromSeconds(step.DurationSeconds ?? 0));
        var (kind, text) = state == StepState.Done
            ? (TimelineKinds.StepDone, $"{session.Title}: step {number}/{session.Steps.Count} done by {actor} in {took}: {step.Title}")
            : (TimelineKinds.StepSkipped, $"{session.Title}: step {number}/{session.Steps.Count} skipped by {actor}: {step.Title}{(string.IsNullOrWhiteSpace(note) ? "" : $" ({note})")}");
        tx.Record(incident, actor, kind, text);
        tx.Post(incident, RunbookMessages.Moved(incident, session, state == StepState.Done
            ? $"**@{actor}** completed step {number} in {took}: {step.Title}."
            : $"**@{actor}** skipped step {number}: {step.Title}{(string.IsNullOrWhiteSpace(note) ? "" : $" ({note})")}."));

        session.CurrentIndex++;
        if (session.CurrentIndex == session.Steps.Count)
        {
            session.CompletedAt = tx.Now;
            tx.Record(incident, actor, TimelineKinds.RunbookFinished, $"Runbook {session.Title} finished in {DurationText.Of(tx.Now - session.StartedAt)}");
            tx.Post(incident, RunbookMessages.Finished(incident, session));
            return null;
        }
        var next = session.Steps[session.CurrentIndex];
        next.State = StepState.Current;
        next.StartedAt = tx.Now;
        tx.Post(incident, RunbookMessages.Step(incident, session, runbook));
        return null;
    }

    private delegate string? SessionChange(IncidentTransaction tx, Incident incident, RunbookSession session, Runbook runbook, string? rest);

    /// <summary>Finds the session a command means (named first, or the only one running) and applies the change.</summary>
    private Task<IncidentResult> ChangeSessionAsync(int number, string? arguments, SessionChange change, CancellationToken cancellationToken) =>
        ChangeAsync(number, async (tx, incident) =>
        {
            var (session, rest, problem) = ResolveSession(incident, arguments);
            if (session is null)
            {
                return FinishedSession(incident, arguments) is { } finished
                    ? tx.NothingToDo($"No runbook is running in {incident.Reference}: `{finished.RunbookId}` finished at {IncidentMessages.Time(finished.CompletedAt!.Value)}, so there is nothing left to do in it. Start another with `runbook start <id>`.")
                    : problem;
            }
            if (await runbooks.FindVersionAsync(session.Version, tx.CancellationToken) is not { } runbook)
            {
                return $"The version of `{session.RunbookId}` this session started with can no longer be read.";
            }
            return change(tx, incident, session, runbook, rest);
        }, cancellationToken);

    /// <summary>
    /// The finished session a refused runbook command was meant for, when it is plain which: the one it names, or
    /// with none running and none named, the last one to finish. A button on an old step card sends such commands.
    /// </summary>
    private static RunbookSession? FinishedSession(Incident incident, string? arguments)
    {
        var first = (arguments?.Trim() ?? "").Split(' ', 2)[0];
        var finished = incident.RunbookSessions.Where(s => s.IsFinished).OrderBy(s => s.CompletedAt).ToList();
        if (finished.LastOrDefault(s => string.Equals(s.RunbookId, first, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return incident.RunbookSessions.Any(s => !s.IsFinished && s.RunbookId == named.RunbookId) ? null : named;
        }
        return incident.RunbookSessions.All(s => s.IsFinished) ? finished.LastOrDefault() : null;
    }

    private static (RunbookSession? Session, string? Remainder, string? Problem) ResolveSession(Incident incident, string? arguments)
    {
        var running = incident.RunbookSessions.Where(s => !s.IsFinished).ToList();
        var text = arguments?.Trim() ?? "";
        var space = text.IndexOf(' ');
        var first = space < 0 ? text : text[..space];
        if (running.FirstOrDefault(s => string.Equals(s.RunbookId, first, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return (named, space < 0 ? null : text[(space + 1)..].Trim(), null);
        }
        return running.Count switch
        {
            0 => (null, null, $"No runbook is running in {incident.Reference}. Start one with `runbook start <id>`; `runbook list` shows them."),
            1 => (running[0], text.Length == 0 ? null : text, null),
            _ => (null, null, $"{running.Count} runbooks are running ({string.Join(", ", running.Select(s => $"`{s.RunbookId}`"))}): name one, e.g. `done {running[0].RunbookId}`."),
        };
    }
}
