namespace IncidentBot.Access;

/// <summary>
/// What a person or an API token may do: a viewer reads, a responder also runs incident commands, a lead also
/// schedules and runs drills, completes reviews and manages API tokens. Each role includes the ones before it.
/// </summary>
public enum AccessRole
{
    Viewer,
    Responder,
    Lead,
}
