using IncidentBot.Chat;

namespace IncidentBot.Incidents;

/// <summary>
/// What an incident operation did: the incident after it, the messages it posted to the incident's channels, and
/// a friendly <see cref="Problem"/> when it changed nothing because it could not.
/// </summary>
public sealed record IncidentResult(Incident? Incident, IReadOnlyList<ChatMessage> Posted, string? Problem = null)
{
    public static IncidentResult Refused(Incident? incident, string problem) => new(incident, [], problem);
}
