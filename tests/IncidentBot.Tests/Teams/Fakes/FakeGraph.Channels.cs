using System.Text.Json.Nodes;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>Channel creation and listing with Teams' naming rules; all run under the Graph fake's lock.</summary>
public sealed partial class FakeGraph
{
    private static readonly char[] ForbiddenCharacters = "~#%&*{}+/\\:<>?|'\",".ToCharArray();
    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase) { "CON", "PRN", "AUX", "NUL", "forms", "desktop.ini" };

    private FakeAnswer CreateChannel(string teamId, JsonObject? body)
    {
        if (!_teams.Contains(teamId))
        {
            return TeamNotFound(teamId);
        }

        if (!AllowChannelCreate)
        {
            return FakeAnswer.Error(403, "Forbidden", "Missing role permissions on the request. API requires one of "
                + "'Channel.Create, Channel.Create.Group, Group.ReadWrite.All, Directory.ReadWrite.All'. Roles on the request ''.");
        }

        var name = (string?)body?["displayName"];
        var membership = (string?)body?["membershipType"] ?? "standard";
        if (NameProblem(name) is { } problem)
        {
            return FakeAnswer.Error(400, "BadRequest", problem);
        }

        // Shared channels are created asynchronously (202 + operation) in Graph; incident rooms never need them.
        if (membership is not ("standard" or "private"))
        {
            return FakeAnswer.Error(400, "BadRequest", $"This fake creates standard and private channels, not '{membership}'.");
        }

        if (_channels.Exists(c => c.TeamId == teamId && string.Equals(c.DisplayName, name, StringComparison.OrdinalIgnoreCase)))
        {
            return FakeAnswer.Error(400, "NameAlreadyExists", "Channel name already existed, please use other name.");
        }

        var channel = AddChannel(teamId, name!, (string?)body?["description"], membership);
        var json = ToJson(channel);
        json["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#teams('{teamId}')/channels/$entity";
        return new(201, json);
    }

    private FakeAnswer ListChannels(string teamId) => _teams.Contains(teamId)
        ? new(200, new JsonObject
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#teams('{teamId}')/channels",
            ["value"] = new JsonArray(_channels.Where(c => c.TeamId == teamId).Select(c => (JsonNode)ToJson(c)).ToArray()),
        })
        : TeamNotFound(teamId);

    private FakeGraphChannel AddChannel(string teamId, string name, string? description, string membership)
    {
        var id = $"19:{Guid.NewGuid():N}@thread.tacv2";
        var webUrl = $"https://teams.microsoft.com/l/channel/{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(name)}?groupId={teamId}&tenantId={_tokens.Tenant}";
        var channel = new FakeGraphChannel(id, teamId, name, description, membership, webUrl, _tokens.Time.GetUtcNow());
        _channels.Add(channel);
        // The bot is installed in the team, so it reaches every standard channel; private ones need it added to them.
        if (membership == "standard")
        {
            _connector?.AddChannel(id);
        }

        return channel;
    }

    private static string? NameProblem(string? name) => name switch
    {
        null or "" => "Channel displayName is required.",
        { Length: > 50 } => "Channel name cannot be longer than 50 characters.",
        _ when name.IndexOfAny(ForbiddenCharacters) >= 0 || name.Contains("..", StringComparison.Ordinal) =>
            "Channel name cannot contain ~ # % & * { } + / \\ : < > ? | ' \" , or '..'.",
        _ when name[0] is '_' or '.' || name[^1] == '.' => "Channel name cannot start with '_' or '.', or end with '.'.",
        _ when ReservedNames.Contains(name) => $"Channel name '{name}' is reserved.",
        _ => null,
    };

    private JsonObject ToJson(FakeGraphChannel channel) => new()
    {
        ["id"] = channel.Id,
        ["createdDateTime"] = channel.CreatedDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["displayName"] = channel.DisplayName,
        ["description"] = channel.Description,
        ["email"] = "",
        ["tenantId"] = _tokens.Tenant,
        ["webUrl"] = channel.WebUrl,
        ["membershipType"] = channel.MembershipType,
    };

    private static FakeAnswer TeamNotFound(string teamId) => FakeAnswer.Error(404, "NotFound", $"No team found with Group Id {teamId}");
}
