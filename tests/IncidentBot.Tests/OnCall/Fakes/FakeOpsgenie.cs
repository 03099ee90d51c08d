using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>
/// Opsgenie's Who-is-on-call API: <c>GET /v2/schedules/{identifier}/on-calls</c> and <c>/next-on-calls</c>. Opsgenie
/// publishes no licensed example, so the bodies follow its Apache-2.0 schema (shared/fixtures/oncall/opsgenie/
/// schema-who-is-on-call.yaml): <c>data._parent</c> (<c>ScheduleMeta</c>), <c>data.onCallParticipants</c>
/// (<c>Participant</c>: <c>id</c>, <c>name</c>, <c>type</c>, nested <c>onCallParticipants</c>, <c>escalationTime</c>),
/// <c>data.nextOnCallRecipients</c>, and <c>BaseResponse</c>'s <c>took</c> and <c>requestId</c>.
/// </summary>
public sealed class FakeOpsgenie : FakeOnCallApi
{
    private readonly Dictionary<string, (string Id, JsonArray Now, JsonArray Next)> _schedules = new(StringComparer.Ordinal);

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

    public static JsonObject User(string email) => new() { ["id"] = Guid.NewGuid().ToString(), ["name"] = email, ["type"] = "user" };

    public static JsonObject Escalation(string name, params (string Email, int EscalationTime)[] users) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["name"] = name,
        ["type"] = "escalation",
        ["onCallParticipants"] = new JsonArray(users.Select(u => (JsonNode)new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = u.Email, ["type"] = "user", ["escalationTime"] = u.EscalationTime, ["notifyType"] = "default" }).ToArray()),
    };

    private protected override bool Authorized(FakeOnCallCall call) => call.Authorization == $"GenieKey {ApiKey}";

    private protected override string ErrorBody(int status) => new JsonObject { ["message"] = $"Injected failure {status}", ["took"] = 0.001, ["requestId"] = Guid.NewGuid().ToString() }.ToJsonString();

    private protected override FakeOnCallAnswer Answer(FakeOnCallCall call)
    {
        var parts = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
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
