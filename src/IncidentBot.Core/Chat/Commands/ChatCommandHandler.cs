using IncidentBot.Access;
using IncidentBot.Drills;
using IncidentBot.Inbound;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Runbooks;
using IncidentBot.Runbooks.Sessions;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Chat.Commands;

/// <summary>
/// Runs a chat command for a user, inside an incident or outside one. Every platform (Slack, Teams, the web
/// console, the HTTP API) comes through here, so a command behaves the same wherever it is typed.
/// </summary>
public sealed class ChatCommandHandler(IncidentService incidents, IIncidentStore store, RoleCatalog roles, RunbookLibrary runbooks, DrillService drills, Rca.RcaService rcas, AccessPolicy access, OnCall.OnCallReplies onCall, OnCall.PageReplies pages, IOptions<OnCall.OnCallOptions> onCallOptions, IConsoleLinks console, IOptions<InputLimits> limits, TimeProvider time, ILogger<ChatCommandHandler> logger)
{
    /// <summary>Runs <paramref name="text"/> for a person known only by name (nothing proven about them).</summary>
    public Task<CommandReply> HandleAsync(string user, string text, int? incidentNumber, CancellationToken cancellationToken = default) =>
        HandleAsync(Actor.Typed(user), text, incidentNumber, cancellationToken);

    /// <summary>Runs <paramref name="text"/> for <paramref name="actor"/>, inside incident <paramref name="incidentNumber"/> if given.</summary>
    public async Task<CommandReply> HandleAsync(Actor actor, string text, int? incidentNumber, CancellationToken cancellationToken = default)
    {
        var user = actor.Name;
        // Slack, Teams and the console all arrive here; a cut command could do something other than what was typed.
        if (text.Length > limits.Value.CommandTextChars)
        {
            logger.LogInformation("Command from {User} refused: {Length} characters, more than {Max}", user, text.Length, limits.Value.CommandTextChars);
            return CommandReply.Error(
                $"That command is {text.Length:N0} characters long; commands can be at most {limits.Value.CommandTextChars:N0}. Split a long note or update into several, or write it into the review.",
                incidentNumber);
        }
        // Every platform's text goes into timelines and rooms: U+0000 and half surrogate pairs, which no store keeps,
        // become U+FFFD here, once, so a note carrying them is stored rather than refused by PostgreSQL.
        (user, text) = (StorableText.Clean(user), StorableText.Clean(text));
        var parsed = CommandParser.Parse(text);
        if (parsed.Command is not { } command)
        {
            logger.LogInformation("Command from {User} not understood: {Problem}", user, parsed.Problem);
            return CommandReply.Error(parsed.Problem!, incidentNumber);
        }
        var number = command.IncidentNumber ?? incidentNumber;
        using var scope = logger.IncidentScope(number);
        // Someone with no role at all learns nothing, not even which incidents are open.
        if (access.RoleOf(actor) is null && await RefusalAsync(actor, command, number, cancellationToken) is { } outsider)
        {
            logger.LogInformation("{User} refused {Command}: no role", user, command.Verb);
            return outsider;
        }
        if (command.NeedsIncident && number is null)
        {
            return CommandReply.Error(await OutsideAnIncidentAsync(text.Trim(), cancellationToken));
        }
        if (number is { } n && command.NeedsIncident && await store.FindAsync(n, cancellationToken) is null)
        {
            return CommandReply.Error($"There is no incident INC-{n}.", n);
        }
        if (await RefusalAsync(actor, command, number, cancellationToken) is { } refused)
        {
            logger.LogInformation("{User} refused {Command}: it needs the {Role} role", user, command.Verb, refused.NeededRole);
            return refused;
        }
        logger.LogInformation("{User} ran {Command}", user, command.GetType().Name.Replace("Command", "", StringComparison.Ordinal));
        return command switch
        {
            DeclareCommand declare => Reply(await incidents.DeclareAsync(declare.Title, declare.Severity ?? Severity.Sev3, user, cancellationToken: cancellationToken),
                i => $"Declared {i.Reference}.{(declare.Severity is null ? " Severity defaults to SEV3: change it with `severity sev1`…`sev4`." : "")}"),
            AcknowledgeCommand => Reply(await incidents.AcknowledgeAsync(number!.Value, user, cancellationToken)),
            AssignRoleCommand assign => await AssignRoleAsync(number!.Value, assign, user, cancellationToken),
            AcceptOnCallCommand => Reply(await incidents.AcceptOnCallAsync(number!.Value, user, actor.Email, cancellationToken)),
            HandOffCommand handOff => Reply(await incidents.HandOffOnCallAsync(number!.Value, user, actor.Email, handOff.To,
                handOff.To is { } to ? onCall.EmailOf(to) : null, onCallOptions.Value.AcceptWithin, cancellationToken)),
            ListRolesCommand => await ListRolesAsync(number!.Value, cancellationToken),
            NoteCommand note => Reply(await incidents.AddNoteAsync(number!.Value, note.Text, user, cancellationToken), i => $"Noted on the {i.Reference} timeline."),
            ActionItemCommand action => Reply(await incidents.AddActionItemAsync(number!.Value, action.Text, user, cancellationToken), i => $"Action item recorded for the {i.Reference} review."),
            StatusUpdateCommand update => Reply(await incidents.PostUpdateAsync(number!.Value, update.Text, user, cancellationToken)),
            ChangeSeverityCommand severity => Reply(await incidents.ChangeSeverityAsync(number!.Value, severity.Severity, user, cancellationToken)),
            ShowStatusCommand => await ShowStatusAsync(number!.Value, cancellationToken),
            ShowTimelineCommand => await ShowTimelineAsync(number!.Value, cancellationToken),
            MitigateCommand mitigate => Reply(await incidents.MitigateAsync(number!.Value, mitigate.Summary, user, cancellationToken)),
            ResolveCommand resolve => Reply(await incidents.ResolveAsync(number!.Value, resolve.Summary, user, cancellationToken)),
            HelpCommand => Help(number),
            OnCallCommand oncall => await OnCallAsync(oncall.Service, number, cancellationToken),
            PageCommand page => await PageAsync(page, user, number, cancellationToken),
            StartRunbookCommand start => Reply(await incidents.StartRunbookAsync(number!.Value, start.RunbookId, user, cancellationToken)),
            RunbookStatusCommand => await RunbookStatusAsync(number!.Value, cancellationToken),
            ListRunbooksCommand => ListRunbooks(number),
            CompleteStepCommand done => Reply(await incidents.CompleteStepAsync(number!.Value, done.Arguments, user, cancellationToken)),
            SkipStepCommand skip => Reply(await incidents.SkipStepAsync(number!.Value, skip.Arguments, user, cancellationToken)),
            StepBackCommand back => Reply(await incidents.StepBackAsync(number!.Value, back.Arguments, user, cancellationToken)),
            RcaCommand { Complete: false } => await RcaNowAsync(number!.Value, user, cancellationToken),
            RcaCommand { Complete: true } => await rcas.CompleteAsync(number!.Value, user, cancellationToken) is { } problem
                ? CommandReply.Error(problem, number)
                : CommandReply.Private($"The review of INC-{number} is complete and the incident is closed.", incidentNumber: number),
            DrillCommand drill => await DrillAsync(drill, user, cancellationToken),
            CheckItemCommand check => Reply(await incidents.ToggleChecklistItemAsync(number!.Value, check.Arguments, user, cancellationToken)),
            _ => CommandReply.Error("That command is not available here yet.", number),
        };
    }

    /// <summary>
    /// Whether <paramref name="actor"/> may run <paramref name="text"/>, without running it: null when they may, else the
    /// refusal. Text that is no command still lands in the room, which is a responder's to write in.
    /// </summary>
    public async Task<CommandReply?> RefusalAsync(Actor actor, string text, int? incidentNumber, CancellationToken cancellationToken = default)
    {
        if (CommandParser.Parse(StorableText.Clean(text)).Command is { } command)
        {
            return await RefusalAsync(actor, command, command.IncidentNumber ?? incidentNumber, cancellationToken);
        }
        return access.Allows(actor, AccessRole.Responder) ? null
            : CommandReply.Refused(access.Refusal(actor, AccessRole.Responder, ChatText.Shorten(text.Trim(), 40)), AccessRole.Responder, incidentNumber);
    }

    /// <summary>
    /// The command's role (<see cref="ChatCommand.Needs"/>) against the actor's (<see cref="AccessPolicy"/>): null when
    /// they may run it, else a refusal that names the role and how to get it. Checked before anything runs, so a
    /// refused command changes nothing.
    /// </summary>
    private async Task<CommandReply?> RefusalAsync(Actor actor, ChatCommand command, int? number, CancellationToken cancellationToken)
    {
        var role = access.RoleOf(actor);
        if (role >= command.Needs)
        {
            return null;
        }
        var refusal = access.Refusal(actor, command.Needs, command.Verb);
        if (command.OpenToCommander && number is { } n)
        {
            var commander = (await store.FindAsync(n, cancellationToken))?.Roles.GetValueOrDefault(RoleCatalog.Commander);
            if (role >= AccessRole.Responder && string.Equals(commander, StorableText.Clean(actor.Name), StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            refusal += $" The incident commander{(commander is null ? "" : $" (@{commander})")} may too.";
        }
        return CommandReply.Refused(refusal, command.Needs, number);
    }

    private async Task<CommandReply> AssignRoleAsync(int number, AssignRoleCommand assign, string user, CancellationToken cancellationToken)
    {
        if (roles.Find(assign.Role) is not { } role)
        {
            var known = string.Join(", ", roles.All.Select(r => $"`{r.Id}`"));
            return CommandReply.Error($"There is no role `{assign.Role}`. Roles: {known}.", number);
        }
        return Reply(await incidents.AssignRoleAsync(number, role, assign.User ?? user, user, cancellationToken));
    }

    private async Task<CommandReply> ListRolesAsync(int number, CancellationToken cancellationToken)
    {
        var incident = (await store.FindAsync(number, cancellationToken))!;
        var lines = roles.All.Select(r => incident.Roles.TryGetValue(r.Id, out var holder)
            ? $"- **{r.Name}**: @{holder}"
            : $"- **{r.Name}**: open — `role {r.Id} @someone`");
        return CommandReply.Private($"Roles in {incident.Reference}:\n{string.Join("\n", lines)}", incidentNumber: number);
    }

    /// <summary>
    /// <c>oncall [service]</c>: the named service, else the incident's own (its <see cref="Incident.Service"/>, a
    /// catalog component's name).
    /// </summary>
    private async Task<CommandReply> OnCallAsync(string? service, int? number, CancellationToken cancellationToken)
    {
        if (service is null)
        {
            var incident = number is { } n ? await store.FindAsync(n, cancellationToken) : null;
            if (incident is null)
            {
                return CommandReply.Error($"Name the service, e.g. `oncall checkout`. Usage: `{CommandGrammar.UsageOf("oncall")}`", number);
            }
            if (string.IsNullOrWhiteSpace(incident.Service))
            {
                return CommandReply.Error($"{incident.Reference} names no service. Name one, e.g. `oncall checkout`.", number);
            }
            service = incident.Service;
        }
        var reply = await onCall.DescribeAsync(service, cancellationToken);
        return reply.Found ? CommandReply.Private(reply.Markdown, incidentNumber: number) : CommandReply.Error(reply.Markdown, number);
    }

    /// <summary><c>page &lt;service&gt; [message]</c>: through the service's pager, linked to the incident when inside one.</summary>
    private async Task<CommandReply> PageAsync(PageCommand page, string user, int? number, CancellationToken cancellationToken)
    {
        var reply = await pages.PageAsync(user, page.Service, page.Message, number, cancellationToken);
        return reply.Ok ? CommandReply.Private(reply.Markdown, incidentNumber: number) : CommandReply.Error(reply.Markdown, number);
    }

    private async Task<CommandReply> RcaNowAsync(int number, string user, CancellationToken cancellationToken)
    {
        var document = await rcas.GenerateAsync(number, user, cancellationToken);
        return CommandReply.Private(
            $"Wrote version {document.Current.Version} of the INC-{number} review from the timeline (earlier versions are kept). " +
            $"Read or edit it at `/api/incidents/{number}/rca` or in the web console; `rca complete` closes the incident.", incidentNumber: number);
    }

    private async Task<CommandReply> DrillAsync(DrillCommand drill, string user, CancellationToken cancellationToken)
    {
        switch (drill.Action)
        {
            case "schedule":
                var scheduled = await drills.ScheduleAsync(drill.Cron!, drill.Target!, drill.Severity, drill.TimeZone, null, user, cancellationToken);
                return scheduled.Ok ? CommandReply.Private(scheduled.Text) : CommandReply.Error(scheduled.Text);
            case "cancel":
                var cancelled = await drills.CancelAsync(drill.Target!, user, cancellationToken);
                return cancelled.Ok ? CommandReply.Private(cancelled.Text) : CommandReply.Error(cancelled.Text);
            case "run":
                var run = await drills.RunAsync(drill.Target!, user, null, time.GetUtcNow(), cancellationToken);
                return Reply(run, i => $"Drill started: {i.Reference}. It is marked DRILL everywhere; resolve it to get the drill report.");
            default:
                return CommandReply.Private(DrillList(await drills.ListAsync(cancellationToken)));
        }
    }

    private string DrillList(IReadOnlyList<DrillScheduleView> schedules)
    {
        if (schedules.Count == 0)
        {
            return "No drills are scheduled. A lead schedules one with `drill schedule \"0 0 10 ? * TUE\" <runbook> [sev] [time zone]`.";
        }
        var lines = schedules.Select(s =>
            $"- **{s.Schedule.Id}** `{s.Schedule.RunbookId}` {s.Schedule.Severity.Display()}, `{s.Schedule.Cron}` ({s.Schedule.TimeZone})"
            + (s.NextRun is { } next ? $" — next {next}" : "")
            + (s.LastMissed is { } missed ? $" — ⚠ missed {missed:yyyy-MM-dd HH:mm} UTC while IncidentBot was down" : ""));
        return $"Drill schedules:\n{string.Join("\n", lines)}";
    }

    private async Task<CommandReply> RunbookStatusAsync(int number, CancellationToken cancellationToken)
    {
        var incident = (await store.FindAsync(number, cancellationToken))!;
        if (incident.RunbookSessions.Count == 0)
        {
            return CommandReply.Private($"No runbook has run in {incident.Reference}. {incidents.AvailableRunbooks()} Start one with `runbook start <id>`.", incidentNumber: number);
        }
        var now = time.GetUtcNow();
        var lines = incident.RunbookSessions.Select(s => s.IsFinished
            ? $"- `{s.RunbookId}` {s.Title}: finished in {DurationText.Of(s.CompletedAt!.Value - s.StartedAt)}"
            : $"- `{s.RunbookId}` {s.Title}: step {s.CurrentIndex + 1} of {s.Steps.Count}, {s.Current!.Title} (for {DurationText.Of(now - (s.Current.StartedAt ?? now))})");
        return CommandReply.Private($"Runbooks in {incident.Reference}:\n{string.Join("\n", lines)}", incidentNumber: number);
    }

    private CommandReply ListRunbooks(int? number)
    {
        var folder = runbooks.Current;
        if (folder.Runbooks.Count == 0)
        {
            return CommandReply.Private(incidents.AvailableRunbooks(), incidentNumber: number);
        }
        var lines = folder.Runbooks.Select(r =>
            $"- `{r.Id}` {r.Title} ({r.Steps.Count} steps{(r.Match.Count > 0 ? $"; starts on {string.Join(", ", r.Match.Select(m => $"{m.Key}={m.Value}"))}" : "")})");
        var broken = folder.Problems.Count > 0 ? $"\n{folder.Problems.Count} problem(s) keep some files out: `GET /api/runbooks` lists them." : "";
        return CommandReply.Private($"Runbooks:\n{string.Join("\n", lines)}{broken}", incidentNumber: number);
    }

    private async Task<CommandReply> ShowStatusAsync(int number, CancellationToken cancellationToken) =>
        new([(await incidents.StatusCardAsync(number, cancellationToken))!], number);

    private async Task<CommandReply> ShowTimelineAsync(int number, CancellationToken cancellationToken)
    {
        var incident = (await store.FindAsync(number, cancellationToken))!;
        var timeline = await store.TimelineOfAsync(number, cancellationToken);
        return new([TimelineMessages.Recent(incident, timeline, console.Incident(number))], number);
    }

    private static CommandReply Help(int? number)
    {
        var lines = CommandGrammar.Commands.Select(c => $"- `{c.Usage}` — {c.What}");
        var where = number is null ? "\nOutside an incident's channel, put the incident first: `INC-42 ack`." : "";
        return new CommandReply([new ChatMessage
        {
            Kind = MessageKind.Help,
            Audience = MessageAudience.Requester,
            IncidentNumber = number,
            Blocks = [new HeaderBlock("IncidentBot commands"), new TextBlock(string.Join("\n", lines) + where)],
        }], number);
    }

    /// <summary>
    /// An incident command typed outside any incident: how to name one, with the open incidents it could mean (the
    /// newest first), so the answer is one copy and paste away.
    /// </summary>
    private async Task<string> OutsideAnIncidentAsync(string text, CancellationToken cancellationToken)
    {
        const int Shown = 5;
        var open = await store.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, Shown + 1), cancellationToken);
        var example = open.Count > 0 ? open[0].Reference : "INC-42";
        var reply = $"`{text}` works inside an incident. Run it in the incident's channel or room, or name the incident first, e.g. `{example} {text}`.";
        if (open.Count == 0)
        {
            return reply + " No incident is open right now.";
        }
        var listed = string.Join(", ", open.Take(Shown).Select(i => $"{i.Reference} ({ChatText.Shorten(i.Title, 60)})"));
        return reply + $" Open now: {listed}{(open.Count > Shown ? ", and more" : "")}.";
    }

    private static CommandReply Reply(IncidentResult result, Func<Incident, string>? confirmation = null)
    {
        if (result.Problem is not null)
        {
            return CommandReply.Error(result.Problem, result.Incident?.Number);
        }
        if (result.Notice is not null)
        {
            return CommandReply.Private(result.Notice, incidentNumber: result.Incident?.Number);
        }
        var messages = result.Posted.ToList();
        if (confirmation is not null && result.Incident is not null)
        {
            messages.Add(new ChatMessage
            {
                Audience = MessageAudience.Requester,
                IncidentNumber = result.Incident.Number,
                IsDrill = result.Incident.IsDrill,
                Blocks = [new TextBlock(confirmation(result.Incident))],
            });
        }
        return new CommandReply(messages, result.Incident?.Number);
    }
}
