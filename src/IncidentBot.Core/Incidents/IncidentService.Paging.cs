namespace IncidentBot.Incidents;

public sealed partial class IncidentService
{
    /// <summary>
    /// A page sent (or tried) for the incident, on its timeline as a note by the person who paged: which pager, what it
    /// answered or why it failed. Recorded for a closed incident too: the page happened.
    /// </summary>
    public Task<IncidentResult> RecordPageAsync(int number, string actor, string text, CancellationToken cancellationToken = default) =>
        ChangeAsync(number, (tx, incident) =>
        {
            tx.Record(incident, actor, TimelineKinds.Note, text);
            return null;
        }, cancellationToken);
}
