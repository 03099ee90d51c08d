using IncidentBot.Chat;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;

namespace IncidentBot.Drills;

/// <summary>Computes a drill's figures from what happened in its incident, and says them beside earlier runs.</summary>
public static class DrillReports
{
    public static DrillReport From(Incident incident, DateTimeOffset resolvedAt)
    {
        var session = incident.RunbookSessions.FirstOrDefault();
        var firstStep = session?.Steps.Where(s => s.CompletedAt is not null).Min(s => s.CompletedAt);
        return new DrillReport
        {
            TimeToAcknowledgeSeconds = Seconds(incident.AcknowledgedAt - incident.CreatedAt),
            TimeToFirstStepSeconds = Seconds(firstStep - incident.CreatedAt),
            TotalSeconds = Seconds(resolvedAt - incident.CreatedAt) ?? 0,
            Steps = session?.Steps.Select(s => new DrillStepFigure { Title = s.Title, DurationSeconds = s.DurationSeconds, Skipped = s.State == StepState.Skipped }).ToList() ?? [],
        };
    }

    /// <summary>The report message: this run's figures, then the same figures for up to four earlier runs.</summary>
    public static ChatMessage Message(Incident incident, DrillReport report, IReadOnlyList<DrillRun> earlier)
    {
        // Plain lines rather than a table: every chat platform shows them the same way.
        var runs = earlier.Where(r => r.Report is not null).OrderByDescending(r => r.StartedAt).Take(4).ToList();
        string Row(string label, Func<DrillReport, double?> figure) =>
            $"- **{label}**: {Time(figure(report))}" + (runs.Count == 0 ? "" : $" — earlier runs: {string.Join(" · ", runs.Select(r => Time(figure(r.Report!))))}");
        var steps = report.Steps.Select((s, i) => $"{i + 1}. {s.Title}: {(s.Skipped ? "skipped" : Time(s.DurationSeconds))}");
        return new ChatMessage
        {
            Kind = MessageKind.Event,
            IncidentNumber = incident.Number,
            IsDrill = true,
            Blocks =
            [
                new HeaderBlock($"[DRILL] {incident.Reference} · Drill report"),
                new TextBlock(string.Join("\n", [Row("Time to acknowledge", r => r.TimeToAcknowledgeSeconds), Row("Time to first step", r => r.TimeToFirstStepSeconds), Row("Total", r => r.TotalSeconds)])),
                new TextBlock("Steps:\n" + string.Join("\n", steps)),
            ],
        };
    }

    private static double? Seconds(TimeSpan? span) => span is { } value ? Math.Round(value.TotalSeconds, 1) : null;

    private static string Time(double? seconds) => seconds is { } value ? DurationText.Of(TimeSpan.FromSeconds(value)) : "—";
}
