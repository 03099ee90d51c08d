using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>
/// Opsgenie's Who-is-on-call API: <c>GET /v2/schedules/{identifier}/on-calls</c> and <c>/next-on-calls</c>. Opsgenie
/// publishes no licensed example, so the bodies follow its Apache-2.0 schema (shared/fixtures/oncall/opsgenie/
/// schema-who-is-on-call.yaml): <c>data._parent</c> (<c>ScheduleMeta</c>), <c>data.onCallParticipants</c>
/// (<c>Participant</c>: <c>id</c>, <c>name</c>, <c>type</c>, nested <c>onCallParticipants</c>, <c>escalationTime</c>),
/// <c>data.nextOnCallRecipients</c>, and <c>BaseResponse</c>'s <c>took</c> and <c>requestId</c>. For teams and paging,
/// also <c>GET /v2/schedules</c> (<c>Schedule</c> with <c>ownerTeam</c>), <c>POST /v2/alerts</c>
/// (<c>CreateAlertPayload</c>, answered 202 with <c>SuccessResponse</c>, deduplicated by <c>alias</c>) and
/// <c>GET /v2/alerts/{alias}?identifierType=alias</c> (<c>GetAlertResponse</c>), from the same schema.
/// </summary>
public sealed class FakeOpsgenie : FakeOnCallApi
{
    private readonly Dictionary<string, (string Id, JsonArray Now, JsonArray Next)> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Team, bool Enabled)> _owners = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _alerts = [];

    private FakeOpsgenie(string apiKey)
        : base(apiKey)
    {
    }

    public static async Task<FakeOpsgenie> StartAsync(string apiKey = "og-test-key")
    {
        var fake = new FakeOpsgenie(apiKey);
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>A schedule, known by its id and its name, with its participants now and next.</summary>
    public void Schedule(string id, string name, JsonArray now, JsonArray? next = null) =>
        Gate.Locked(() => _schedules[name] = (id, now, next ?? []));

    /// <summary>A schedule owned by <paramref name="team"/> (its <c>ownerTeam</c> in <c>GET /v2/schedules</c>).</summary>
    public void TeamSchedule(string team, string id, string name, JsonArray now, JsonArray? next = null, bool enabled = true) =>
        Gate.Locked(() =>
        {
            _schedules[name] = (id, now, next ?? []);
            _owners[name] = (team, enabled);
        });

    /// <summary>The alerts created (<c>POST /v2/alerts</c>), as sent, with the <c>tinyId</c> and <c>status</c> the fake gave them.</summary>
    public IReadOnlyList<JsonObject> Alerts => Gate.Locked(() => _alerts.Select(a => a.DeepClone().AsObject()).ToList());

    /// <summary>Closes every alert, as a responder would in Opsgenie.</summary>
    public void CloseAlerts() => Gate.Locked(() => _alerts.ForEach(a => a["status"] = "closed"));

    public static JsonObject User(string email) => new() { ["id"] = Guid.NewGuid().ToString(), ["name"] = email, ["type"] = "user" };

    public static JsonObject Escalation(string name, params (string Email, int EscalationTime)[] users) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["name"] = name,
        ["type"] = "escalation",
        ["onCallParticipants"] = new JsonArray(users.Select(u => (JsonNode)new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = u.Email, ["type"] = "user", ["escalationTime"] = u.EscalationTime, ["notifyType"] = "default" }).ToArray()),
    };

    /// <summary>Every schedule with its <c>ownerTeam</c> (opsgenie-oas <c>ListSchedulesResponse</c>).</summary>
    private FakeOnCallAnswer ListSchedules()
    {
        var data = new JsonArray(_schedules.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.Value.Id,
            ["name"] = s.Key,
            ["description"] = "",
            ["timezone"] = "Europe/Berlin",
            ["enabled"] = _owners.TryGetValue(s.Key, out var owner) ? owner.Enabled : true,
            ["ownerTeam"] = owner.Team is null ? null : new JsonObject { ["id"] = "team-" + owner.Team, ["name"] = owner.Team },
            ["rotations"] = new JsonArray(),
        }).ToArray());
        return FakeOnCallAnswer.Json(200, new JsonObject { ["data"] = data, ["expandable"] = new JsonArray("rotation"), ["took"] = 0.01, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString());
    }

    /// <summary>
    /// <c>CreateAlertPayload</c> (message required, at most 130 characters; alias; responders of type schedule or team by
    /// id or name), answered 202 as Opsgenie does. An open alert with the same alias is deduplicated: its count rises.
    /// </summary>
    private FakeOnCallAnswer CreateAlert(FakeOnCallCall call)
    {
        var body = JsonNode.Parse(call.Body ?? "null") as JsonObject;
        var message = body?["message"]?.GetValue<string>();
        var responders = body?["responders"] as JsonArray;
        if (string.IsNullOrWhiteSpace(message) || message.Length > 130 || responders is null
            || responders.Any(r => r?["type"]?.GetValue<string>() is not ("schedule" or "team" or "user" or "escalation") || (r["id"] is null && r["name"] is null)))
        {
            return FakeOnCallAnswer.Json(422, new JsonObject { ["message"] = "Request body is not processable. Please check the errors.", ["errors"] = new JsonObject { ["message"] = "Message can not be empty." }, ["took"] = 0.001, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString());
        }
        var alias = body!["alias"]?.GetValue<string>();
        var open = alias is null ? null : _alerts.FirstOrDefault(a => a["alias"]?.GetValue<string>() == alias && a["status"]?.GetValue<string>() == "open");
        if (open is not null)
        {
            open["count"] = open["count"]!.GetValue<int>() + 1;
        }
        else
        {
            var alert = body.DeepClone().AsObject();
            alert["id"] = Guid.NewGuid().ToString();
            alert["tinyId"] = (_alerts.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            alert["status"] = "open";
            alert["count"] = 1;
            _alerts.Add(alert);
        }
        return FakeOnCallAnswer.Json(202, new JsonObject { ["result"] = "Request will be processed", ["took"] = 0.302, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString());
    }

    private FakeOnCallAnswer GetAlert(string alias)
    {
        var alert = _alerts.LastOrDefault(a => a["alias"]?.GetValue<string>() == alias);
        return alert is null
            ? FakeOnCallAnswer.Json(404, new JsonObject { ["message"] = "Alert does not exist", ["took"] = 0.001, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString())
            : FakeOnCallAnswer.Json(200, new JsonObject
            {
                ["data"] = new JsonObject { ["id"] = alert["id"]!.DeepClone(), ["tinyId"] = alert["tinyId"]!.DeepClone(), ["alias"] = alias, ["message"] = alert["message"]!.DeepClone(), ["status"] = alert["status"]!.DeepClone(), ["count"] = alert["count"]!.DeepClone() },
                ["took"] = 0.003,
                ["requestId"] = Guid.NewGuid().ToString(),
            }.ToJsonString());
    }

    private protected override bool Authorized(FakeOnCallCall call) => call.Authorization == $"GenieKey {ApiKey}";

    private protected override string ErrorBody(int status) => new JsonObject { ["message"] = $"Injected failure {status}", ["took"] = 0.001, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString();

    private protected override FakeOnCallAnswer Answer(FakeOnCallCall call)
    {
        var parts = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["v2", "schedules"] when call.Method == "GET":
                return ListSchedules();
            case ["v2", "alerts"] when call.Method == "POST":
                return CreateAlert(call);
            case ["v2", "alerts", var alias] when call.Method == "GET" && call["identifierType"] == "alias":
                return GetAlert(Uri.UnescapeDataString(alias));
        }
        if (parts is not ["v2", "schedules", var identifier, "on-calls" or "next-on-calls"] || call["flat"] != "false" || call["date"] is null)
        {
            return FakeOnCallAnswer.Json(400, ErrorBody(400));
        }
        identifier = Uri.UnescapeDataString(identifier);
        var byName = call["scheduleIdentifierType"] == "name";
        var found = _schedules.FirstOrDefault(s => byName ? s.Key == identifier : s.Value.Id == identifier);
        if (found.Key is null)
        {
            return FakeOnCallAnswer.Json(404, new JsonObject { ["message"] = $"Schedule with identifier [{identifier}] does not exist", ["took"] = 0.001, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString());
        }
        var parent = new JsonObject { ["id"] = found.Value.Id, ["name"] = found.Key, ["enabled"] = true };
        var data = parts[3] == "on-calls"
            ? new JsonObject { ["_parent"] = parent, ["onCallParticipants"] = found.Value.Now.DeepClone() }
            : new JsonObject { ["_parent"] = parent, ["nextOnCallRecipients"] = found.Value.Next.DeepClone(), ["exactNextOnCallRecipients"] = found.Value.Next.DeepClone() };
        return FakeOnCallAnswer.Json(200, new JsonObject { ["data"] = data, ["took"] = 0.012, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString());
    }
}
