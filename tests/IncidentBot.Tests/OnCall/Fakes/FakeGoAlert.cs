using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>
/// GoAlert's GraphQL endpoint (<c>POST /api/graphql</c>) for the two documents in shared/fixtures/oncall/goalert.
/// Like GoAlert's API keys, each key here runs only the exact document it was made for: the service key the
/// <c>onCallQuery</c>, the schedule key the <c>scheduleShifts</c> query, byte for byte. GoAlert publishes no example
/// results, so the answers are written by us from its schema (<c>Service.onCallUsers{userID userName stepNumber}</c>,
/// <c>Schedule.shifts{user{id name} start end truncated}</c>); how GoAlert words a refusal is not published either, so
/// refusals are a GraphQL <c>errors</c> array beside HTTP 200, as GraphQL servers answer. The page key runs only the
/// bot's <c>createAlert</c> document (docs/goalert/create-alert.graphql); an open alert with the same <c>dedup</c> on the
/// service is answered instead of a new one (GoAlert's <c>CreateAlertInput.dedup</c>).
/// </summary>
public sealed class FakeGoAlert : FakeOnCallApi
{
    public static readonly string ServiceDocument = Fixtures.Read("oncall/goalert/query-service-oncall-users.graphql");
    public static readonly string ScheduleDocument = Fixtures.Read("oncall/goalert/query-schedule-shifts.graphql");

    /// <summary>The page document, as the bot ships it (docs/goalert/create-alert.graphql).</summary>
    public static readonly string CreateAlertDocument = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "goalert", "create-alert.graphql"));

    private readonly List<(int Id, string ServiceId, string Summary, string? Details, string? Dedup, string Status)> _alerts = [];
    private readonly Dictionary<string, List<(string Id, string Name, int Step)>> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Id, string Name, DateTimeOffset Start, DateTimeOffset End)>> _schedules = new(StringComparer.Ordinal);

    private FakeGoAlert(string serviceKey, string scheduleKey)
        : base(serviceKey) => ScheduleKey = scheduleKey;

    /// <summary>The key made for the createAlert document (<c>OnCall:GoAlert:PageApiKey</c>).</summary>
    public string PageKey { get; } = "goalert-page-key";

    /// <summary>The alerts created, with the service, summary, details and dedup key they came with.</summary>
    public IReadOnlyList<(int Id, string ServiceId, string Summary, string? Details, string? Dedup, string Status)> Alerts => Gate.Locked(() => _alerts.ToList());

    /// <summary>Closes every alert.</summary>
    public void CloseAlerts() => Gate.Locked(() =>
    {
        for (var i = 0; i < _alerts.Count; i++)
        {
            _alerts[i] = _alerts[i] with { Status = "StatusClosed" };
        }
    });

    /// <summary>The key made for the schedule-shifts query; <see cref="FakeOnCallApi.ApiKey"/> is the service query's.</summary>
    public string ScheduleKey { get; }

    public static async Task<FakeGoAlert> StartAsync(string serviceKey = "goalert-service-key", string scheduleKey = "goalert-schedule-key")
    {
        var fake = new FakeGoAlert(serviceKey, scheduleKey);
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>A service whose escalation policy has these users on call, by step (0 first).</summary>
    public void Service(string id, params (string UserId, string Name, int Step)[] onCall) => Gate.Locked(() => _services[id] = [.. onCall]);

    public void Schedule(string id, params (string UserId, string Name, DateTimeOffset Start, DateTimeOffset End)[] shifts) => Gate.Locked(() => _schedules[id] = [.. shifts]);

    private protected override bool Authorized(FakeOnCallCall call) => call.Authorization == $"Bearer {ApiKey}" || call.Authorization == $"Bearer {ScheduleKey}" || call.Authorization == $"Bearer {PageKey}";

    private protected override string ErrorBody(int status) => new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = $"Injected failure {status}" }) }.ToJsonString();

    private protected override FakeOnCallAnswer Answer(FakeOnCallCall call)
    {
        if (call.Method != "POST" || call.Path != "/api/graphql" || call.Body is null)
        {
            return FakeOnCallAnswer.Json(404, ErrorBody(404));
        }
        var body = JsonNode.Parse(call.Body)!.AsObject();
        var query = body["query"]?.GetValue<string>();
        var variables = body["variables"]?.AsObject() ?? [];
        var key = call.Authorization!["Bearer ".Length..];
        var allowed = key == ApiKey ? ServiceDocument : key == PageKey ? CreateAlertDocument : ScheduleDocument;
        if (query != allowed)
        {
            return Errors("API key is not valid for this query");
        }
        if (query == CreateAlertDocument)
        {
            return CreateAlert(variables["input"] as JsonObject);
        }
        var id = variables["id"]?.GetValue<string>() ?? "";
        if (query == ServiceDocument)
        {
            var service = _services.TryGetValue(id, out var users)
                ? new JsonObject
                {
                    ["id"] = id,
                    ["escalationPolicy"] = new JsonObject { ["id"] = "ep-" + id, ["name"] = "Policy", ["steps"] = new JsonArray(users.Select(u => u.Step).Distinct().Order().Select(s => (JsonNode)new JsonObject { ["stepNumber"] = s }).ToArray()) },
                    ["onCallUsers"] = new JsonArray(users.Select(u => (JsonNode)new JsonObject { ["userID"] = u.Id, ["userName"] = u.Name, ["stepNumber"] = u.Step }).ToArray()),
                }
                : null;
            return Data(new JsonObject { ["service"] = service });
        }
        var start = DateTimeOffset.Parse(variables["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(variables["end"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var schedule = _schedules.TryGetValue(id, out var shifts)
            ? new JsonObject
            {
                ["id"] = id,
                ["shifts"] = new JsonArray(shifts.Where(s => s.Start < end && s.End > start).Select(s => (JsonNode)new JsonObject
                {
                    ["user"] = new JsonObject { ["id"] = s.Id, ["name"] = s.Name },
                    ["start"] = (s.Start < start ? start : s.Start).UtcDateTime.ToString("O"),
                    ["end"] = (s.End > end ? end : s.End).UtcDateTime.ToString("O"),
                    ["truncated"] = s.Start < start || s.End > end,
                }).ToArray()),
            }
            : null;
        return Data(new JsonObject { ["schedule"] = schedule });
    }

    /// <summary>
    /// <c>createAlert(input: CreateAlertInput!)</c>: <c>serviceID</c> and <c>summary</c> required, the service known; an
    /// open alert on the service with the same <c>dedup</c> is answered instead of a new one, as GoAlert does.
    /// </summary>
    private FakeOnCallAnswer CreateAlert(JsonObject? input)
    {
        var service = input?["serviceID"]?.GetValue<string>();
        var summary = input?["summary"]?.GetValue<string>();
        if (service is null || string.IsNullOrWhiteSpace(summary))
        {
            return Errors("input: summary and serviceID are required");
        }
        if (!_services.ContainsKey(service))
        {
            return Errors("service: not found");
        }
        var dedup = input!["dedup"]?.GetValue<string>();
        var open = _alerts.FindIndex(a => dedup is not null && a.Dedup == dedup && a.ServiceId == service && a.Status != "StatusClosed");
        if (open < 0)
        {
            _alerts.Add((_alerts.Count + 1, service, summary, input["details"]?.GetValue<string>(), dedup, "StatusUnacknowledged"));
            open = _alerts.Count - 1;
        }
        return Data(new JsonObject { ["createAlert"] = new JsonObject { ["alertID"] = _alerts[open].Id, ["status"] = _alerts[open].Status } });
    }

    private static FakeOnCallAnswer Data(JsonObject data) => FakeOnCallAnswer.Json(200, new JsonObject { ["data"] = data }.ToJsonString());

    private static FakeOnCallAnswer Errors(string message) =>
        FakeOnCallAnswer.Json(200, new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = message }), ["data"] = null }.ToJsonString());
}
