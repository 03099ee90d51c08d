using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>A Slack user group: id (<c>S…</c>), mention handle, members; a disabled one has a <c>date_delete</c>.</summary>
public sealed record FakeSlackUsergroup(string Id, string Handle, IReadOnlyList<string> Users, bool Disabled = false);

/// <summary>
/// usergroups.list and usergroups.users.list, shaped as Slack's method reference shows them: both need
/// <c>usergroups:read</c> (else <c>missing_scope</c> with <c>needed</c>); a disabled group is left out of the list and
/// its users are refused unless <c>include_disabled</c> is set; an unknown id is <c>no_such_subteam</c>.
/// </summary>
internal sealed partial class FakeSlackMethods
{
    private JsonObject ListUsergroups(JsonObject args)
    {
        if (!_options.UsergroupsRead)
        {
            return MissingUsergroupsRead();
        }
        var groups = _options.Usergroups.Where(g => !g.Disabled || Flag(args, "include_disabled"));
        return new()
        {
            ["ok"] = true,
            ["usergroups"] = new JsonArray(groups.Select(g => (JsonNode)Usergroup(g, Flag(args, "include_users"))).ToArray()),
        };
    }

    private JsonObject UsergroupUsers(JsonObject args)
    {
        if (!_options.UsergroupsRead)
        {
            return MissingUsergroupsRead();
        }
        var group = _options.Usergroups.FirstOrDefault(g => g.Id == Arg(args, "usergroup"));
        if (group is null || (group.Disabled && !Flag(args, "include_disabled")))
        {
            return Fail("no_such_subteam");
        }
        return new() { ["ok"] = true, ["users"] = new JsonArray(group.Users.Select(u => (JsonNode)u).ToArray()) };
    }

    private static JsonObject MissingUsergroupsRead() => new()
    {
        ["ok"] = false,
        ["error"] = "missing_scope",
        ["needed"] = "usergroups:read",
        ["provided"] = "channels:manage,chat:write,users:read",
    };

    private JsonObject Usergroup(FakeSlackUsergroup g, bool includeUsers)
    {
        var json = new JsonObject
        {
            ["id"] = g.Id,
            ["team_id"] = TeamId,
            ["is_usergroup"] = true,
            ["name"] = g.Handle.Replace('-', ' '),
            ["description"] = "",
            ["handle"] = g.Handle,
            ["is_external"] = false,
            ["date_create"] = 1446746793,
            ["date_update"] = 1446747568,
            ["date_delete"] = g.Disabled ? 1446747600 : 0,
            ["auto_type"] = null,
            ["created_by"] = "U060RNRCZ",
            ["updated_by"] = "U060RNRCZ",
            ["deleted_by"] = null,
            ["prefs"] = new JsonObject { ["channels"] = new JsonArray(), ["groups"] = new JsonArray() },
            ["user_count"] = g.Users.Count,
        };
        if (includeUsers)
        {
            json["users"] = new JsonArray(g.Users.Select(u => (JsonNode)u).ToArray());
        }
        return json;
    }
}
