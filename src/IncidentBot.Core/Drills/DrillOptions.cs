namespace IncidentBot.Drills;

/// <summary>
/// Incident drills. Section <c>Drills</c>:
/// <code>"Drills": { "Leads": [ "alice", "U0123", "lead@example.com" ], "TimeZone": "Europe/Berlin", "MisfireGrace": "01:00:00", "Participants": [ "bob" ] }</code>
/// </summary>
public sealed class DrillOptions
{
    public const string Section = "Drills";

    /// <summary>
    /// Leads by user name, platform user id or e-mail: the older way to name them, still honoured (with a warning at
    /// start) beside <c>Access:Leads</c>, which replaces it.
    /// </summary>
    public List<string> Leads { get; set; } = [];

    /// <summary>The time zone cron expressions are read in when a schedule names none; empty means UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>A drill whose time passed while the bot was down still runs at start-up within this window.</summary>
    public TimeSpan MisfireGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The only people invited to drill channels when a schedule names none.</summary>
    public List<string> Participants { get; set; } = [];
}
