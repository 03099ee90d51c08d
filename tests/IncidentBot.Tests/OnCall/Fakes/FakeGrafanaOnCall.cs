using System.Globalization;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>
/// Grafana OnCall's public API under <c>/oncall</c>: <c>GET /api/v1/schedules/{id}/</c>, <c>GET /api/v1/users/{id}/</c>
/// and <c>GET /api/v1/schedules/{id}/final_shifts</c>. Schedules and users start from the published bodies in
/// shared/fixtures/oncall/grafana-oncall (Grafana's Apache-2.0 Go client); final shifts have no licensed example, so
/// they are written by us from the documented fields (<c>user_pk</c>, <c>user_email</c>, <c>user_username</c>,
/// <c>shift_start</c>, <c>shift_end</c>) in a <c>count</c>/<c>next</c>/<c>previous</c>/<c>results</c> page. Direct
/// paging (<c>POST /api/v1/escalation/</c>) answers the alert group with the fields of Grafana's published example
/// (values ours).
/// </summary>
public sealed class FakeGrafanaOnCall : FakeOnCallApi
{
    private readonly Dictionary<string, JsonObject> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonObject>> _shifts = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _pages = [];
    private readonly Dictionary<string, string> _groups = new(StringComparer.Ordinal);
    private bool _noFinalShifts;

    private FakeGrafanaOnCall(string apiKey)
        : base(apiKey)
    {
    }

    public override string BaseUrl => base.BaseUrl + "/oncall";

    /// <summary>A fake serving the fixtures' schedule <c>SBM7DV7BKFUYU</c> and user <c>U4DNY931HHJS5</c>.</summary>
    public static async Task<FakeGrafanaOnCall> StartAsync(string apiKey = "grafana-test-key")
    {
        var fake = new FakeGrafanaOnCall(apiKey);
        fake.Schedule(JsonNode.Parse(Fixtures.Read("oncall/grafana-oncall/get-schedule.json"))!.AsObject());
        fake.User(JsonNode.Parse(Fixtures.Read("oncall/grafana-oncall/get-user.json"))!.AsObject());
        await fake.ListenAsync();
        return fake;
    }

    public void Schedule(JsonObject schedule) => Gate.Locked(() => _schedules[schedule["id"]!.GetValue<string>()] = schedule);

    public void User(JsonObject user) => Gate.Locked(() => _users[user["id"]!.GetValue<string>()] = user);

    /// <summary>Sets who is on call now in a schedule (its <c>on_call_now</c>).</summary>
    public void OnCallNow(string schedule, params string[] userIds) =>
        Gate.Locked(() => _schedules[schedule]["on_call_now"] = new JsonArray(userIds.Select(u => (JsonNode)u).ToArray()));

    public void FinalShift(string schedule, string userId, string email, string username, DateTimeOffset start, DateTimeOffset end) =>
        Gate.Locked(() =>
        {
            if (!_shifts.TryGetValue(schedule, out var list))
            {
                _shifts[schedule] = list = [];
            }
            list.Add(new JsonObject { ["user_pk"] = userId, ["user_email"] = email, ["user_username"] = username, ["shift_start"] = Iso(start), ["shift_end"] = Iso(end) });
        });

    /// <summary>Every direct page received (<c>POST /api/v1/escalation/</c>), as sent.</summary>
    public IReadOnlyList<JsonObject> Pages => Gate.Locked(() => _pages.Select(p => p.DeepClone().AsObject()).ToList());

    /// <summary>The alert groups direct paging opened, by id, with their state.</summary>
    public IReadOnlyDictionary<string, string> AlertGroups => Gate.Locked(() => (IReadOnlyDictionary<string, string>)_groups.ToDictionary());

    /// <summary>Resolves every alert group, as a responder would.</summary>
    public void ResolveAlertGroups() => Gate.Locked(() =>
    {
        foreach (var id in _groups.Keys.ToList())
        {
            _groups[id] = "resolved";
        }
    });

    /// <summary>Final shifts answer 404, as an engine without the endpoint does.</summary>
    public void WithoutFinalShifts() => Gate.Locked(() => _noFinalShifts = true);

    private protected override bool Authorized(FakeOnCallCall call) => call.Authorization == ApiKey;

    private protected override string ErrorBody(int status) => new JsonObject { ["detail"] = $"Injected failure {status}" }.ToJsonString();

    private protected override FakeOnCallAnswer Answer(FakeOnCallCall call)
    {
        var parts = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["oncall", "api", "v1", "schedules", var id] when _schedules.TryGetValue(id, out var schedule) && call.Path.EndsWith('/'):
                return FakeOnCallAnswer.Json(200, schedule.ToJsonString());
            case ["oncall", "api", "v1", "users", var id] when _users.TryGetValue(id, out var user) && call.Path.EndsWith('/'):
                return FakeOnCallAnswer.Json(200, user.ToJsonString());
            case ["oncall", "api", "v1", "schedules", var id, "final_shifts"] when _schedules.ContainsKey(id) && !_noFinalShifts:
                if (call["start_date"] is null || call["end_date"] is null)
                {
                    return FakeOnCallAnswer.Json(400, ErrorBody(400));
                }
                var results = new JsonArray((_shifts.GetValueOrDefault(id) ?? []).Select(s => (JsonNode)s.DeepClone()).ToArray());
                return FakeOnCallAnswer.Json(200, new JsonObject { ["count"] = results.Count, ["next"] = null, ["previous"] = null, ["results"] = results }.ToJsonString());
            case ["oncall", "api", "v1", "escalation"] when call.Method == "POST" && call.Path.EndsWith('/'):
                return Escalate(call);
            default:
                return FakeOnCallAnswer.Json(404, new JsonObject { ["detail"] = "Not found." }.ToJsonString());
        }
    }

    /// <summary>
    /// Direct paging as Grafana documents it: <c>team</c> and <c>users</c> are mutually exclusive and one is required;
    /// <c>alert_group_id</c> excludes <c>title</c>, <c>message</c> and <c>source_url</c> and must name an alert group that
    /// is not resolved. The answer is the alert group, with the documented fields.
    /// </summary>
    private FakeOnCallAnswer Escalate(FakeOnCallCall call)
    {
        var body = JsonNode.Parse(call.Body ?? "null") as JsonObject;
        if (body is null || (body["team"] is null) == (body["users"] is null))
        {
            return FakeOnCallAnswer.Json(400, new JsonObject { ["detail"] = "Either team or users must be specified, not both." }.ToJsonString());
        }
        _pages.Add(body.DeepClone().AsObject());
        string id;
        if (body["alert_group_id"]?.GetValue<string>() is { } existing)
        {
            if (body["title"] is not null || body["message"] is not null || body["source_url"] is not null)
            {
                return FakeOnCallAnswer.Json(400, new JsonObject { ["detail"] = "alert_group_id is mutually exclusive with title, message and source_url" }.ToJsonString());
            }
            if (!_groups.TryGetValue(existing, out var state) || state == "resolved")
            {
                return FakeOnCallAnswer.Json(400, new JsonObject { ["detail"] = "Alert group is resolved or does not exist" }.ToJsonString());
            }
            id = existing;
        }
        else
        {
            id = "I" + (_groups.Count + 1).ToString("D12", CultureInfo.InvariantCulture);
            _groups[id] = "firing";
        }
        return FakeOnCallAnswer.Json(200, new JsonObject
        {
            ["id"] = id,
            ["integration_id"] = "CC3GZYZNIIEH5",
            ["route_id"] = "RDN8LITALJXCJ",
            ["alerts_count"] = 1,
            ["state"] = _groups[id],
            ["created_at"] = "2026-12-06T10:00:00.000000Z",
            ["resolved_at"] = null,
            ["resolved_by"] = null,
            ["acknowledged_at"] = null,
            ["acknowledged_by"] = null,
            ["title"] = body["title"]?.DeepClone(),
            ["permalinks"] = new JsonObject { ["slack"] = null, ["slack_app"] = null, ["telegram"] = null, ["web"] = $"https://grafana.example.com/a/grafana-oncall-app/alert-groups/{id}" },
            ["silenced_at"] = null,
        }.ToJsonString());
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
