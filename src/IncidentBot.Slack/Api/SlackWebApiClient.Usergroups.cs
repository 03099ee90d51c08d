using System.Text.Json.Nodes;

namespace IncidentBot.Slack.Api;

/// <summary>The user group methods (scope <c>usergroups:read</c>): how the owning team is found and invited.</summary>
public sealed partial class SlackWebApiClient
{
    /// <summary><c>usergroups.users.list</c>: the ids of the group's members (<c>no_such_subteam</c> when there is no such group).</summary>
    public async Task<IReadOnlyList<string>> UsergroupMembersAsync(string usergroupId, CancellationToken cancellationToken)
    {
        var users = (await CallAsync("usergroups.users.list", new JsonObject { ["usergroup"] = usergroupId }, cancellationToken))["users"] as JsonArray;
        return users?.Select(u => u is JsonValue value && value.TryGetValue<string>(out var id) ? id : null).OfType<string>().ToList() ?? [];
    }

    /// <summary><c>usergroups.list</c>: the user groups of the workspace as (id, handle), disabled ones left out.</summary>
    public async Task<IReadOnlyList<(string Id, string Handle)>> UsergroupsAsync(CancellationToken cancellationToken)
    {
        var groups = (await CallAsync("usergroups.list", [], cancellationToken))["usergroups"] as JsonArray ?? [];
        return groups.OfType<JsonObject>()
            .Where(g => g["date_delete"] is not JsonValue deleted || !deleted.TryGetValue<long>(out var at) || at == 0)
            .Select(g => (Id: Text(g["id"]), Handle: Text(g["handle"])))
            .Where(g => g.Id is not null && g.Handle is not null)
            .Select(g => (g.Id!, g.Handle!))
            .ToList();
    }
}
