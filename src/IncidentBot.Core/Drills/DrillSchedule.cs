using IncidentBot.Incidents;

namespace IncidentBot.Drills;

/// <summary>A recurring drill: which runbook, when (a Quartz cron expression in a time zone), who takes part.</summary>
public sealed class DrillSchedule
{
    /// <summary>Short and typeable: <c>drill cancel d3</c>.</summary>
    public string Id { get; set; } = "";

    public string RunbookId { get; set; } = "";

    public string Cron { get; set; } = "";

    public string TimeZone { get; set; } = "UTC";

    public Severity Severity { get; set; } = Severity.Sev3;

    public List<string> Participants { get; set; } = [];

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>
    /// The scheduled time of the last run (or missed run), so a restart knows what it has not done; null until the first.
    /// Set only through <see cref="Storage.IDrillStore.ClaimFireAsync"/>, which lets one process claim each time.
    /// </summary>
    public DateTimeOffset? LastFireAt { get; set; }
}

/// <summary>One drill that ran (or was missed), and how the team did.</summary>
public sealed class DrillRun
{
    public long Id { get; set; }

    /// <summary>Null for ad-hoc drills (<c>drill run</c>).</summary>
    public string? ScheduleId { get; set; }

    public string RunbookId { get; set; } = "";

    public int? IncidentNumber { get; set; }

    public DateTimeOffset ScheduledFor { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Set when the drill's time passed beyond the misfire grace while the bot was down.</summary>
    public bool Missed { get; set; }

    public DrillReport? Report { get; set; }
}

/// <summary>The figures of one drill run.</summary>
public sealed class DrillReport
{
    public double? TimeToAcknowledgeSeconds { get; set; }

    public double? TimeToFirstStepSeconds { get; set; }

    public double TotalSeconds { get; set; }

    public List<DrillStepFigure> Steps { get; set; } = [];
}

/// <summary>One runbook step in a drill report.</summary>
public sealed class DrillStepFigure
{
    public string Title { get; set; } = "";

    public double? DurationSeconds { get; set; }

    public bool Skipped { get; set; }
}
