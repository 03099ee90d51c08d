namespace IncidentBot.Chat;

/// <summary>
/// The incident's owning team called in: <see cref="Invite"/>d (its people join the incident's channel, SEV1–2) or
/// only mentioned (SEV3–4). Each platform reaches the team its own way, through the catalog's
/// <c>incidentbot.io/slack-usergroup</c> (<see cref="SlackUsergroup"/>) and <c>incidentbot.io/teams-team</c>
/// (<see cref="TeamsTeam"/>); a platform without one shows the team by name and says how to set it up.
/// </summary>
/// <param name="Team">The owning Group's name in the catalog, e.g. <c>payments</c>.</param>
/// <param name="Severity">The severity that decided it, as shown (<c>SEV2</c>).</param>
public sealed record TeamCallBlock(string Team, bool Invite, string Severity, string? SlackUsergroup = null, string? TeamsTeam = null) : MessageBlock
{
    public string Verb => Invite ? "invited" : "mentioned";

    /// <summary>The line the timeline and every platform's plain text show: <c>payments team invited (SEV2)</c>.</summary>
    public override string ToPlainText() => $"{Team} team {Verb} ({Severity})";
}
