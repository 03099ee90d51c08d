using IncidentBot.Chat;
using IncidentBot.Runbooks;

namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>The timeline's actor for what the service catalog made the bot do.</summary>
    public const string CatalogActor = "catalog";

    /// <summary>The most runbooks one offer lists (a Start button each).</summary>
    public const int MaxOfferedRunbooks = 10;

    /// <summary>
    /// Calls the owning team in: a timeline entry (<c>payments team invited (SEV2)</c>) and a message every platform
    /// delivers its own way (<see cref="TeamCallBlock"/>), in one commit. Never for a drill, which pages nobody outside
    /// its participants, nor for an incident no longer open.
    /// </summary>
    public Task<IncidentResult> CallOwningTeamAsync(int number, TeamCallBlock call, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (incident.IsDrill || !incident.Status.IsOpen())
            {
                return $"{incident.Reference} is a drill or no longer open: the owning team is not called.";
            }
            tx.Record(incident, CatalogActor, TimelineKinds.TeamCalled, call.ToPlainText());
            tx.Post(incident, new ChatMessage { Kind = MessageKind.Event, IncidentNumber = incident.Number, Blocks = [call] });
            return null;
        }, cancellationToken);

    /// <summary>
    /// What a platform did about a team call (<c>slack: 12 people of @payments-oncall invited</c>) or why it could not;
    /// a failure is a chat failure on the timeline, never an error of the incident.
    /// </summary>
    public Task<IncidentResult> RecordTeamCallOutcomeAsync(int number, string platform, string outcome, bool failed, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            tx.Record(incident, platform, failed ? TimelineKinds.ChatFailure : TimelineKinds.Note, $"{platform}: {outcome}");
            return null;
        }, cancellationToken);

    /// <summary>
    /// Offers the service's runbooks, a Start button each (<c>runbook start &lt;id&gt;</c>), when no runbook runs in
    /// the incident: the alert matched none. Checked inside the commit, so a runbook someone started meanwhile wins.
    /// </summary>
    public Task<IncidentResult> OfferRunbooksAsync(int number, string component, IReadOnlyList<Runbook> offered, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            if (incident.IsDrill || !incident.Status.IsOpen() || incident.RunbookSessions.Count > 0 || offered.Count == 0)
            {
                return $"{incident.Reference} has a runbook or is not open: no runbooks offered.";
            }
            var shown = offered.Take(MaxOfferedRunbooks).ToList();
            tx.Record(incident, CatalogActor, TimelineKinds.RunbooksOffered,
                $"No runbook matched the alert; offered {component}'s runbooks: {string.Join(", ", shown.Select(r => r.Id))}");
            tx.Post(incident, RunbookOffer(incident, component, shown));
            return null;
        }, cancellationToken);

    private static ChatMessage RunbookOffer(Incident incident, string component, IReadOnlyList<Runbook> runbooks) => new()
    {
        IncidentNumber = incident.Number,
        Blocks =
        [
            new HeaderBlock($"Runbooks for {component}"),
            new TextBlock($"No runbook matched the alert. These are the service's runbooks in the catalog; **Start** walks one here, step by step."),
            new FieldsBlock(runbooks.Select(r => new MessageField(r.Title, r.Id)).ToList()),
            new ButtonsBlock(runbooks.Select(r => new MessageButton($"Start: {r.Title}", $"runbook start {r.Id}")).ToList()),
        ],
    };
}
