using System.Globalization;
using System.Text.Json.Nodes;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.OnCall.Fakes;

/// <summary>
/// PagerDuty REST API v2's <c>GET /oncalls</c> and <c>GET /services/{id}</c>. PagerDuty's example bodies carry no
/// licence (see shared/fixtures/oncall/SOURCES.md, "Not taken"), so these bodies are written by us from the field
/// names PagerDuty publishes: <c>oncalls[].user</c> (a reference with <c>summary</c>, or with <c>include[]=users</c> the
/// user with <c>name</c> and <c>email</c>), <c>schedule</c> (null when the policy names the user directly),
/// <c>escalation_policy</c>, <c>escalation_level</c>, <c>start</c>/<c>end</c> (null for a permanent on-call), and
/// <c>limit</c>/<c>offset</c>/<c>more</c> paging.
/// </summary>
public sealed class FakePagerDuty : FakeOnCallApi
{
    private readonly List<Shift> _shifts = [];
    private readonly Dictionary<string, string> _services = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _incidents = [];

    private FakePagerDuty(string apiKey)
        : base(apiKey)
    {
    }

    public static async Task<FakePagerDuty> StartAsync(string apiKey = "pd-test-key")
    {
        var fake = new FakePagerDuty(apiKey);
        await fake.ListenAsync();
        return fake;
    }

    /// <summary>A user on call on a level of a policy; <paramref name="schedule"/> null when the policy names the user directly.</summary>
    public void OnCall(string policy, int level, string userId, string name, string email, string? schedule, DateTimeOffset? start, DateTimeOffset? end) =>
        Gate.Locked(() => _shifts.Add(new Shift(policy, level, userId, name, email, schedule, start, end)));

    /// <summary>A service whose escalation policy is <paramref name="policy"/>.</summary>
    public void Service(string id, string policy) => Gate.Locked(() => _services[id] = policy);

    /// <summary>The incidents created (<c>POST /incidents</c>), as PagerDuty keeps them, with the <c>From</c> each came with.</summary>
    public IReadOnlyList<JsonObject> Incidents => Gate.Locked(() => _incidents.Select(i => i.DeepClone().AsObject()).ToList());

    /// <summary>Resolves every incident, as a responder would in PagerDuty.</summary>
    public void ResolveIncidents() => Gate.Locked(() => _incidents.ForEach(i => i["status"] = "resolved"));

    private protected override bool Authorized(FakeOnCallCall call) => call.Authorization == $"Token token={ApiKey}";

    private protected override string ErrorBody(int status) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = status == 429 ? "Rate Limit Exceeded" : "Injected failure", ["code"] = status == 401 ? 2006 : 2001 } }.ToJsonString();

    private protected override FakeOnCallAnswer Answer(FakeOnCallCall call)
    {
        if (call.Accept != "application/vnd.pagerduty+json;version=2")
        {
            return FakeOnCallAnswer.Json(406, ErrorBody(406));
        }
        if (call.Path == "/incidents" && call.Method == "POST")
        {
            return CreateIncident(call);
        }
        if (call.Path == "/incidents" && call.Method == "GET")
        {
            var key = call["incident_key"];
            var open = _incidents.Where(i => i["incident_key"]?.GetValue<string>() == key && i["status"]!.GetValue<string>() != "resolved").Select(i => (JsonNode)i.DeepClone()).ToArray();
            return FakeOnCallAnswer.Json(200, new JsonObject { ["incidents"] = new JsonArray(open), ["limit"] = 25, ["offset"] = 0, ["more"] = false, ["total"] = null }.ToJsonString());
        }
        if (call.Path.StartsWith("/escalation_policies/", StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(call.Path["/escalation_policies/".Length..]);
            var services = _services.Where(s => s.Value == id).Select(s => (JsonNode)Reference(s.Key, "service_reference")).ToArray();
            return services.Length == 0 && !_shifts.Any(s => s.Policy == id)
                ? FakeOnCallAnswer.Json(404, ErrorBody(404))
                : FakeOnCallAnswer.Json(200, new JsonObject { ["escalation_policy"] = new JsonObject { ["id"] = id, ["type"] = "escalation_policy", ["name"] = id, ["services"] = new JsonArray(services) } }.ToJsonString());
        }
        if (call.Path.StartsWith("/services/", StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(call.Path["/services/".Length..]);
            return _services.TryGetValue(id, out var policy)
                ? FakeOnCallAnswer.Json(200, new JsonObject { ["service"] = new JsonObject { ["id"] = id, ["type"] = "service", ["escalation_policy"] = Reference(policy, "escalation_policy_reference") } }.ToJsonString())
                : FakeOnCallAnswer.Json(404, ErrorBody(404));
        }
        if (call.Path != "/oncalls")
        {
            return FakeOnCallAnswer.Json(404, ErrorBody(404));
        }
        var policies = call.Query["escalation_policy_ids[]"].Select(v => v!).ToHashSet();
        var schedules = call.Query["schedule_ids[]"].Select(v => v!).ToHashSet();
        var since = Time(call["since"]) ?? DateTimeOffset.MinValue;
        var until = Time(call["until"]) ?? since;
        var users = call.Query["include[]"].Contains("users");
        var limit = int.Parse(call["limit"] ?? "25", CultureInfo.InvariantCulture);
        var offset = int.Parse(call["offset"] ?? "0", CultureInfo.InvariantCulture);
        // An on-call is listed when it overlaps [since, until]; a null start or end is open.
        var matching = _shifts
            .Where(s => (policies.Count == 0 || policies.Contains(s.Policy)) && (schedules.Count == 0 || (s.Schedule is not null && schedules.Contains(s.Schedule))))
            .Where(s => (s.Start ?? DateTimeOffset.MinValue) <= until && (s.End ?? DateTimeOffset.MaxValue) > since)
            .ToList();
        var page = new JsonArray(matching.Skip(offset).Take(limit).Select(s => (JsonNode)Entry(s, users)).ToArray());
        return FakeOnCallAnswer.Json(200, new JsonObject
        {
            ["oncalls"] = page,
            ["limit"] = limit,
            ["offset"] = offset,
            ["more"] = offset + limit < matching.Count,
            ["total"] = null,
        }.ToJsonString());
    }

    /// <summary>
    /// <c>POST /incidents</c>: <c>incident.type</c>, <c>title</c> and a known <c>service</c> reference required, and a
    /// <c>From</c> header; an open incident with the same <c>incident_key</c> on the service is refused (400), as
    /// PagerDuty documents for <c>incident_key</c>.
    /// </summary>
    private FakeOnCallAnswer CreateIncident(FakeOnCallCall call)
    {
        var incident = (JsonNode.Parse(call.Body ?? "null") as JsonObject)?["incident"] as JsonObject;
        var service = incident?["service"]?["id"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(call.From))
        {
            return FakeOnCallAnswer.Json(400, new JsonObject { ["error"] = new JsonObject { ["message"] = "Invalid Input Provided", ["code"] = 2001, ["errors"] = new JsonArray("You must provide a 'From' header with a valid user email address.") } }.ToJsonString());
        }
        if (incident?["type"]?.GetValue<string>() != "incident" || string.IsNullOrWhiteSpace(incident["title"]?.GetValue<string>()) || service is null || !_services.ContainsKey(service))
        {
            return FakeOnCallAnswer.Json(400, new JsonObject { ["error"] = new JsonObject { ["message"] = "Invalid Input Provided", ["code"] = 2001, ["errors"] = new JsonArray("Service not found or incident malformed.") } }.ToJsonString());
        }
        var key = incident["incident_key"]?.GetValue<string>();
        if (key is not null && _incidents.Any(i => i["incident_key"]?.GetValue<string>() == key && i["service"]!["id"]!.GetValue<string>() == service && i["status"]!.GetValue<string>() != "resolved"))
        {
            return FakeOnCallAnswer.Json(400, new JsonObject { ["error"] = new JsonObject { ["message"] = "Invalid Input Provided", ["code"] = 2001, ["errors"] = new JsonArray("Open incident with matching dedup key already exists on this service") } }.ToJsonString());
        }
        var number = _incidents.Count + 1;
        var id = "Q" + number.ToString("D6", CultureInfo.InvariantCulture);
        var created = incident.DeepClone().AsObject();
        created["id"] = id;
        created["incident_number"] = number;
        created["status"] = "triggered";
        created["html_url"] = $"https://example.pagerduty.com/incidents/{id}";
        created["from"] = call.From;
        _incidents.Add(created);
        return FakeOnCallAnswer.Json(201, new JsonObject { ["incident"] = created.DeepClone() }.ToJsonString());
    }

    private static JsonObject Entry(Shift s, bool users) => new()
    {
        ["escalation_policy"] = Reference(s.Policy, "escalation_policy_reference"),
        ["escalation_level"] = s.Level,
        ["schedule"] = s.Schedule is null ? null : Reference(s.Schedule, "schedule_reference"),
        ["user"] = users
            ? new JsonObject { ["id"] = s.UserId, ["type"] = "user", ["name"] = s.Name, ["email"] = s.Email, ["summary"] = s.Name, ["time_zone"] = "Europe/Berlin" }
            : new JsonObject { ["id"] = s.UserId, ["type"] = "user_reference", ["summary"] = s.Name },
        ["start"] = s.Start?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["end"] = s.End?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    private static JsonObject Reference(string id, string type) => new() { ["id"] = id, ["type"] = type, ["summary"] = id };

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private sealed record Shift(string Policy, int Level, string UserId, string Name, string Email, string? Schedule, DateTimeOffset? Start, DateTimeOffset? End);
}
