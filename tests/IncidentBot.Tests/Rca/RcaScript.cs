using IncidentBot.Alerts;
using IncidentBot.Incidents;
using IncidentBot.Rca;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Tests.Rca;

/// <summary>A scripted SEV1 on 2026-11-26: opened 03:12, acknowledged 03:16, mitigated 03:40, resolved 04:05 UTC.</summary>
internal static class RcaScript
{
    public static DateTimeOffset At(int hour, int minute, int second = 0, int day = 26) => new(2026, 11, day, hour, minute, second, TimeSpan.Zero);

    public static RcaInput Input(TimeZoneInfo? zone = null)
    {
        var incident = new Incident
        {
            Number = 42,
            Title = "Checkout errors after deploy",
            Severity = Severity.Sev1,
            Status = IncidentStatus.Resolved,
            Service = "checkout-api",
            CreatedAt = At(3, 12),
            AcknowledgedAt = At(3, 16),
            MitigatedAt = At(3, 40),
            ResolvedAt = At(4, 5),
            ResolutionSummary = "Rolled back deploy 2026.11.25-3.",
            RunbookSessions =
            [
                new RunbookSession
                {
                    RunbookId = "checkout-errors", Title = "Checkout errors", Version = "3", StartedAt = At(3, 20), StartedBy = "alice", CurrentIndex = 2, CompletedAt = At(3, 29),
                    Steps =
                    [
                        new RunbookStepRecord
                        {
                            Title = "Check the last deploy", State = StepState.Done, By = "alice", StartedAt = At(3, 20), CompletedAt = At(3, 28, 30),
                            Notes = ["alice: 2026.11.25-3 went out at 03:05 | 40 pods"],
                        },
                        new RunbookStepRecord
                        {
                            Title = "Scale out the pods", State = StepState.Skipped, By = "alice", StartedAt = At(3, 28, 30), CompletedAt = At(3, 29),
                            SkipReason = "errors are not load-related",
                        },
                    ],
                },
            ],
        };
        IncidentAlert[] alerts =
        [
            new()
            {
                Source = "alertmanager", Title = "LatencyP99High", Status = AlertStatus.Resolved, StartsAt = At(3, 14), FirstSeenAt = At(3, 14), ResolvedAt = At(3, 50),
                Labels = { ["service"] = "payments" },
            },
            new()
            {
                Source = "alertmanager", Title = "HighErrorRate", Status = AlertStatus.Resolved, StartsAt = At(3, 11), FirstSeenAt = At(3, 12), ResolvedAt = At(3, 45),
                Labels = { ["service"] = "checkout-api" }, Links = [new("Dashboard", "https://grafana.example.com/d/checkout")],
            },
        ];
        return new RcaInput(incident, alerts, Timeline(), zone);
    }

    public static TimelineEntry Entry(DateTimeOffset at, string actor, string kind, string text) =>
        new() { IncidentNumber = 42, At = at, Actor = actor, Kind = kind, Text = text };

    private static TimelineEntry[] Timeline() =>
    [
        Entry(At(3, 12), "alertmanager", TimelineKinds.Opened, "Opened from HighErrorRate"),
        Entry(At(3, 14), "alertmanager", TimelineKinds.AlertFiring, "LatencyP99High is firing"),
        Entry(At(3, 16), "alice", TimelineKinds.Acknowledged, "Acknowledged by alice"),
        Entry(At(3, 17), "alice", TimelineKinds.RoleAssigned, "Incident commander: alice"),
        Entry(At(3, 18), "alice", TimelineKinds.RoleAssigned, "Communications lead: dave"),
        Entry(At(3, 19), "alice", TimelineKinds.RoleAssigned, "Communications lead: bob (taking over from @dave)"),
        Entry(At(3, 20), "alice", TimelineKinds.RunbookStarted, "Started Checkout errors v3"),
        Entry(At(3, 21), "bob", TimelineKinds.StatusUpdate, "We are investigating elevated checkout errors. Next update by 03:50."),
        Entry(At(3, 28), "alice", TimelineKinds.StepDone, "Step 1: Check the last deploy"),
        Entry(At(3, 29), "alice", TimelineKinds.StepSkipped, "Step 2: Scale out the pods (errors are not load-related)"),
        Entry(At(3, 35), "alice", TimelineKinds.Note, "Rolling back 2026.11.25-3"),
        Entry(At(3, 40), "alice", TimelineKinds.Mitigated, "Mitigated by alice"),
        Entry(At(3, 52), "bob", TimelineKinds.StatusUpdate, "Checkout works again after a rollback; we are watching error rates."),
        Entry(At(4, 1), "alice", TimelineKinds.ActionItem, "Add a canary stage to checkout deploys @carol"),
        Entry(At(4, 3), "bob", TimelineKinds.ActionItem, "Alert on checkout error rate per deploy"),
        Entry(At(4, 5), "alice", TimelineKinds.Resolved, "Resolved by alice"),
    ];
}
