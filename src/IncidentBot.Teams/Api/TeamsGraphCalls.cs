namespace IncidentBot.Teams.Api;

/// <summary>
/// Every Microsoft Graph call the Teams adapter makes, with the resource-specific consent (RSC) permission that lets
/// the bot make it in the incidents team without a tenant-wide permission. The Bot Connector calls (sending and
/// updating the bot's own messages) need none. A test holds manifests/teams/manifest.json to exactly these permissions.
/// </summary>
public static class TeamsGraphCalls
{
    /// <summary>
    /// One call: <paramref name="Chain"/> is the Graph SDK request chain as written in the code (indexers as <c>[]</c>,
    /// e.g. <c>Teams[].Channels.PostAsync</c>), <paramref name="Permission"/> its RSC permission.
    /// </summary>
    public sealed record Call(string Chain, string Permission, string Purpose);

    public static IReadOnlyList<Call> All { get; } =
    [
        new("Teams[].Channels.PostAsync", "Channel.Create.Group", "create the incident's standard channel"),
        new("Teams[].GetAsync", "TeamSettings.Read.Group", "find an owning team's name and General channel (incidentbot.io/teams-team)"),
    ];
}
