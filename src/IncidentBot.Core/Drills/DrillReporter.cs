using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.Drills;

/// <summary>When a drill's incident resolves: its figures, stored with its run and posted beside earlier runs.</summary>
public sealed class DrillReporter(IDrillStore drills) : IDrillReporter
{
    public async ValueTask DrillResolvedAsync(IncidentTransaction tx, Incident incident)
    {
        var run = await drills.FindRunByIncidentAsync(incident.Number, tx.CancellationToken)
            ?? new DrillRun { IncidentNumber = incident.Number, RunbookId = incident.RunbookSessions.FirstOrDefault()?.RunbookId ?? "", ScheduledFor = incident.CreatedAt, StartedAt = incident.CreatedAt };
        run.Report = DrillReports.From(incident, tx.Now);
        var earlier = run.ScheduleId is null ? [] : (await drills.RunsOfAsync(run.ScheduleId, tx.CancellationToken)).Where(r => r.Id != run.Id).ToList();
        tx.Changes.DrillRuns.Add(run);
        tx.Post(incident, DrillReports.Message(incident, run.Report, earlier));
    }
}
