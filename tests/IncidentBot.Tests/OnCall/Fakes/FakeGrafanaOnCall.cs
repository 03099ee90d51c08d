using System.Globalization;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>
/// Grafana OnCall's public API under <c>/oncall</c>: <c>GET /api/v1/schedules/{id}/</c>, <c>GET /api/v1/users/{id}/</c>
/// and <c>GET /api/v1/schedules/{id}/final_shifts</c>. Schedules and users start from the published bodies in
/// shared/fixtures/oncall/grafana-oncall (Grafana's Apache-2.0 Go client); final shifts have no licensed example, so
/// they are written by us from the documented fields (<c>user_pk</c>, <c>user_email</c>, <c>user_username</c>,
/// <c>shift_start</c>, <c>shift_end</c>) in a <c>count</c>/<c>next</c>/<c>previous</c>/<c>results</c> page.
/// </summary>
public sealed class FakeGrafanaOnCall : FakeOnCallApi
{
    private readonly Dictionary<string, JsonObject> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonObject>> _shifts = new(StringComparer.Ordinal);
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
            default:
                return FakeOnCallAnswer.Json(404, new JsonObject { ["detail"] = "Not found." }.ToJsonString());
        }
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
