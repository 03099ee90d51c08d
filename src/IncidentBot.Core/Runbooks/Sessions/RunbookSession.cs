using System.Text.Json.Serialization;

namespace IncidentBot.Runbooks.Sessions;

/// <summary>One walk through one runbook inside one incident, at the runbook version it started with.</summary>
public sealed class RunbookSession
{
    public string RunbookId { get; set; } = "";

    public string Title { get; set; } = "";

    public string Version { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public string StartedBy { get; set; } = "";

    /// <summary>0-based index of the current step; equal to the step count once finished.</summary>
    public int CurrentIndex { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public List<RunbookStepRecord> Steps { get; set; } = [];

    public bool IsFinished => CompletedAt is not null;

    public RunbookStepRecord? Current => IsFinished ? null : Steps[CurrentIndex];
}

/// <summary>What happened to one step: who completed or skipped it, when, how long it took, notes and checklist.</summary>
public sealed class RunbookStepRecord
{
    public string Title { get; set; } = "";

    public StepState State { get; set; } = StepState.Pending;

    public string? By { get; set; }

    /// <summary>When it last became the current step.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public List<string> Notes { get; set; } = [];

    /// <summary>Why it was skipped, when it was.</summary>
    public string? SkipReason { get; set; }

    public List<ChecklistItemRecord> Checklist { get; set; } = [];

    public double? DurationSeconds => StartedAt is { } start && CompletedAt is { } end ? Math.Round((end - start).TotalSeconds, 1) : null;
}

/// <summary>A checklist item and who ticked it.</summary>
public sealed class ChecklistItemRecord
{
    public string Text { get; set; } = "";

    public bool Checked { get; set; }

    public string? By { get; set; }

    public DateTimeOffset? At { get; set; }
}

/// <summary>Where a step is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepState>))]
public enum StepState
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("current")] Current,
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("skipped")] Skipped,
}
