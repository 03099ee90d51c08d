using IncidentBot.Chat;

namespace IncidentBot.Incidents;

/// <summary>
/// What an incident operation did: the incident after it, the messages it posted to the incident's channels, and
/// a friendly <see cref="Problem"/> when it changed nothing because it could not. <see cref="Notice"/> says instead
/// that there was nothing to do (a button pressed on an older card: <c>ack</c> on a resolved incident), which is
/// no error.
/// </summary>
public sealed record IncidentResult(Incident? Incident, IReadOnlyList<ChatMessage> Posted, string? Problem = null)
{
    public string? Notice { get; init; }

    public static IncidentResult Refused(Incident? incident, string problem) => new(incident, [], problem);

    public static IncidentResult NothingToDo(Incident incident, string notice) => new(incident, []) { Notice = notice };
}
