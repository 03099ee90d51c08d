using IncidentBot.Alerts;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Rca;

/// <summary>An incident with every field and list filled, so a strict render of a template reaches each part of it.</summary>
internal static class RcaSample
{
    public static RcaInput Input { get; } = Create();

    private static RcaInput Create()
    {
        var at = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var step = new RunbookStepRecord
        {
            Title = "Step",
            State = StepState.Skipped,
            By = "someone",
            StartedAt = at,
            CompletedAt = at,
            SkipReason = "reason",
            Notes = ["someone: note"],
        };
        var incident = new Incident
        {
            Number = 1,
            Title = "Sample",
            Service = "service",
            CreatedAt = at,
            AcknowledgedAt = at,
            MitigatedAt = at,
            ResolvedAt = at,
            ResolutionSummary = "Summary",
            RunbookSessions = [new RunbookSession { Title = "Runbook", StartedBy = "someone", StartedAt = at, Steps = [step] }],
        };
        IncidentAlert[] alerts =
        [
            new() { Source = "source", Title = "Alert", Status = AlertStatus.Resolved, FirstSeenAt = at, ResolvedAt = at, Links = [new("Graph", "https://example.com")] },
        ];
        TimelineEntry[] timeline =
        [
            new() { At = at, Actor = "someone", Kind = TimelineKinds.RoleAssigned, Text = "Incident commander: someone (taking over from @other)" },
            new() { At = at, Actor = "someone", Kind = TimelineKinds.StatusUpdate, Text = "Update" },
            new() { At = at, Actor = "someone", Kind = TimelineKinds.ActionItem, Text = "Action @someone" },
        ];
        return new RcaInput(incident, alerts, timeline);
    }
}
