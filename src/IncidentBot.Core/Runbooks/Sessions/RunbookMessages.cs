using IncidentBot.Chat;
using IncidentBot.Incidents;

namespace IncidentBot.Runbooks.Sessions;

/// <summary>What the bot says while walking a runbook, as neutral messages.</summary>
public static class RunbookMessages
{
    /// <summary>The runbook's purpose, shown once when it starts.</summary>
    public static ChatMessage Started(Incident incident, Runbook runbook, string actor)
    {
        var fields = new List<MessageField> { new("Steps", runbook.Steps.Count.ToString()) };
        if (runbook.EstimatedMinutes is { } minutes)
        {
            fields.Add(new("Estimated", $"{minutes} min"));
        }
        if (runbook.Owner is { } owner)
        {
            fields.Add(new("Owner", owner));
        }
        fields.Add(new("Started by", actor == IncidentService.BotActor ? "IncidentBot (matching alert)" : $"@{actor}"));
        var intro = string.Join("\n\n", runbook.Intro.Select(b => MarkdownText.Source(runbook.Markdown, b)).Where(s => s.Length > 0));
        return new ChatMessage
        {
            Kind = MessageKind.Event,
            IncidentNumber = incident.Number,
            IsDrill = incident.IsDrill,
            Blocks = [new HeaderBlock($"{IncidentMessages.DrillPrefix(incident)}{incident.Reference} · Runbook: {runbook.Title}"), .. Text(intro), new FieldsBlock(fields)],
        };
    }

    /// <summary>The current step: number, title, body, checklist and the buttons that move it.</summary>
    public static ChatMessage Step(Incident incident, RunbookSession session, Runbook runbook, MessageAudience audience = MessageAudience.Channel)
    {
        var index = session.CurrentIndex;
        var record = session.Steps[index];
        var step = runbook.Steps[index];
        var id = session.RunbookId;
        var buttons = new List<MessageButton> { new("Done", $"done {id}", ButtonStyle.Primary), new("Skip", $"skip {id}") };
        if (index > 0)
        {
            buttons.Add(new MessageButton("Back", $"back {id}"));
        }
        var blocks = new List<MessageBlock> { new HeaderBlock($"{IncidentMessages.DrillPrefix(incident)}{incident.Reference} · {session.Title} — step {index + 1} of {session.Steps.Count}: {record.Title}") };
        blocks.AddRange(Text(step.BodyMarkdown));
        if (record.Checklist.Count > 0)
        {
            blocks.Add(new ChecklistBlock(record.Checklist.Select((c, i) => new ChecklistItem(c.Text, c.Checked, $"check {id} {i + 1}")).ToList()));
        }
        blocks.Add(new ButtonsBlock(buttons));
        return new ChatMessage
        {
            Kind = MessageKind.RunbookStep,
            Audience = audience,
            IncidentNumber = incident.Number,
            IsDrill = incident.IsDrill,
            UpdateKey = UpdateKey(incident, session),
            Blocks = blocks,
        };
    }

    /// <summary>
    /// A runbook move said in one line (<c>@alice completed step 1 in 2m 10s: …</c>); the step card itself changes in
    /// place. With several runbooks running the line names the one it is about.
    /// </summary>
    public static ChatMessage Moved(Incident incident, RunbookSession session, string markdown)
    {
        var running = incident.RunbookSessions.Count(s => !s.IsFinished || s == session);
        return IncidentMessages.Event(incident, running > 1 ? $"{session.Title}: {markdown}" : markdown);
    }

    /// <summary>Every step with who did it and how long it took.</summary>
    public static ChatMessage Finished(Incident incident, RunbookSession session)
    {
        var lines = session.Steps.Select((s, i) => s.State switch
        {
            StepState.Done => $"{i + 1}. ✓ {s.Title} — @{s.By}, {DurationText.Of(TimeSpan.FromSeconds(s.DurationSeconds ?? 0))}",
            StepState.Skipped => $"{i + 1}. ↷ {s.Title} — skipped by @{s.By}{(s.SkipReason is null ? "" : $": {s.SkipReason}")}",
            _ => $"{i + 1}. {s.Title}",
        });
        var total = DurationText.Of((session.CompletedAt ?? session.StartedAt) - session.StartedAt);
        return new ChatMessage
        {
            Kind = MessageKind.RunbookStep,
            IncidentNumber = incident.Number,
            IsDrill = incident.IsDrill,
            UpdateKey = UpdateKey(incident, session),
            Blocks = [new HeaderBlock($"{IncidentMessages.DrillPrefix(incident)}{incident.Reference} · Runbook finished: {session.Title} in {total}"), new TextBlock(string.Join("\n", lines))],
        };
    }

    // Milliseconds, not ticks: the key must be the same when the session is read back from a store, and PostgreSQL keeps
    // times to the microsecond (a key made from ticks changed after the first save, and each step was posted anew).
    private static string UpdateKey(Incident incident, RunbookSession session) => $"{incident.Reference}/runbook/{session.RunbookId}/{session.StartedAt.ToUnixTimeMilliseconds()}";

    private static IEnumerable<MessageBlock> Text(string markdown) => markdown.Length > 0 ? [new TextBlock(markdown)] : [];
}
