using IncidentBot.Incidents;
using IncidentBot.Runbooks.Rendering;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Runbooks;

/// <summary>A runbook file in the library list: a good runbook, or a broken file with its errors.</summary>
public sealed record RunbookListEntry(
    string? Id, string? Title, string File, IReadOnlyList<string> Services, IReadOnlyDictionary<string, string> Match,
    string? Severity, string? Owner, int? EstimatedMinutes, int StepCount, IReadOnlyList<RunbookErrorResponse> Errors);

/// <summary>One problem in a runbook file.</summary>
public sealed record RunbookErrorResponse(int Line, string Message);

/// <summary>One runbook with its steps rendered as HTML and its raw Markdown.</summary>
public sealed record RunbookDetailResponse(
    string Id, string Title, string File, string Version, IReadOnlyList<string> Services, IReadOnlyDictionary<string, string> Match,
    string? Severity, string? Owner, int? EstimatedMinutes, string IntroHtml, IReadOnlyList<RunbookStepResponse> Steps, string Markdown);

/// <summary>One step of a runbook.</summary>
public sealed record RunbookStepResponse(int Number, string Title, string Html, IReadOnlyList<string> Checklist);

/// <summary>A runbook session inside an incident.</summary>
public sealed record RunbookSessionResponse(
    string RunbookId, string Title, string Version, DateTime StartedAt, string StartedBy, int? CurrentStep, DateTime? CompletedAt,
    IReadOnlyList<RunbookSessionStepResponse> Steps);

/// <summary>One step of a session: who completed or skipped it, when, and how long it took.</summary>
public sealed record RunbookSessionStepResponse(
    int Number, string Title, StepState State, string? By, DateTime? StartedAt, DateTime? CompletedAt, double? DurationSeconds,
    string? Note, IReadOnlyList<ChecklistItemResponse> Checklist);

/// <summary>A checklist item of a session step.</summary>
public sealed record ChecklistItemResponse(string Text, bool Checked, string? By);

/// <summary>Maps runbooks and sessions to what the API shows.</summary>
internal static class RunbookResponseMapping
{
    public static RunbookListEntry ToListEntry(this Runbook r) => new(
        r.Id, r.Title, r.File, r.Services, r.Match, r.Severity?.Display(), r.Owner, r.EstimatedMinutes, r.Steps.Count, []);

    public static RunbookDetailResponse ToDetail(this Runbook r) => new(
        r.Id, r.Title, r.File, r.Version, r.Services, r.Match, r.Severity?.Display(), r.Owner, r.EstimatedMinutes,
        HtmlStepRenderer.Render(r.Intro),
        r.Steps.Select(s => new RunbookStepResponse(s.Number, s.Title, HtmlStepRenderer.Render(s.Blocks), s.Checklist)).ToList(),
        r.Markdown);

    public static RunbookSessionResponse ToResponse(this RunbookSession s) => new(
        s.RunbookId, s.Title, s.Version, s.StartedAt.UtcDateTime, s.StartedBy, s.IsFinished ? null : s.CurrentIndex + 1, s.CompletedAt?.UtcDateTime,
        s.Steps.Select((step, i) => new RunbookSessionStepResponse(
            i + 1, step.Title, step.State, step.By, step.StartedAt?.UtcDateTime, step.CompletedAt?.UtcDateTime, step.DurationSeconds,
            Note(step),
            step.Checklist.Select(c => new ChecklistItemResponse(c.Text, c.Checked, c.By)).ToList())).ToList());

    /// <summary>The skip reason first, then the notes taken on the step, one per line.</summary>
    private static string? Note(RunbookStepRecord step)
    {
        var lines = step.Notes.Prepend(step.SkipReason is null ? null : $"skipped: {step.SkipReason}").OfType<string>().ToList();
        return lines.Count == 0 ? null : string.Join("\n", lines);
    }
}
