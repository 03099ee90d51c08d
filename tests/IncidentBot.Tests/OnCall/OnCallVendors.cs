using IncidentBot.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// The four vendors, each with a fake seeded so one target has someone on call, and a valid answer body of the
/// vendor's shape (what malformed bodies are made from), so one test can run against every source.
/// </summary>
public sealed record OnCallVendor(string Name, OnCallTarget Target, OnCallTarget EmptyTarget, string PersonName, string ValidBody, Func<Task<FakeOnCallApi>> StartAsync)
{
    public static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    public static readonly OnCallVendor PagerDuty = new("pagerduty", new OnCallTarget("pagerduty", "escalation-policy", "PEP1"), new OnCallTarget("pagerduty", "escalation-policy", "PEMPTY"), "Alice",
        """{"oncalls":[{"escalation_policy":{"id":"PEP1","type":"escalation_policy_reference"},"escalation_level":1,"schedule":null,"user":{"id":"U1","type":"user","name":"Alice","email":"alice@example.com"},"start":null,"end":null}],"limit":100,"offset":0,"more":false,"total":null}""",
        async () =>
        {
            var fake = await FakePagerDuty.StartAsync();
            fake.OnCall("PEP1", 1, "U1", "Alice", "alice@example.com", "PS1", Now.AddHours(-1), Now.AddHours(8));
            return fake;
        });

    public static readonly OnCallVendor Opsgenie = new("opsgenie", new OnCallTarget("opsgenie", "schedule", "ops"), new OnCallTarget("opsgenie", "schedule", "empty"), "alice@example.com",
        """{"data":{"_parent":{"id":"s1","name":"ops","enabled":true},"onCallParticipants":[{"id":"u1","name":"alice@example.com","type":"user"}]},"took":0.01,"requestId":"r1"}""",
        async () =>
        {
            var fake = await FakeOpsgenie.StartAsync();
            fake.Schedule(Guid.NewGuid().ToString(), "ops", [FakeOpsgenie.User("alice@example.com")]);
            fake.Schedule(Guid.NewGuid().ToString(), "empty", []);
            return fake;
        });

    public static readonly OnCallVendor GrafanaOnCall = new("grafana-oncall", new OnCallTarget("grafana-oncall", "schedule", "SBM7DV7BKFUYU"), new OnCallTarget("grafana-oncall", "schedule", "SEMPTY"), "Alex",
        """{"id":"SBM7DV7BKFUYU","name":"Test Schedule","on_call_now":["U4DNY931HHJS5"],"email":"alex@example.com","username":"Alex","results":[],"next":null}""",
        async () =>
        {
            var fake = await FakeGrafanaOnCall.StartAsync();
            fake.OnCallNow("SBM7DV7BKFUYU", "U4DNY931HHJS5");
            fake.Schedule(new System.Text.Json.Nodes.JsonObject { ["id"] = "SEMPTY", ["name"] = "Empty", ["on_call_now"] = new System.Text.Json.Nodes.JsonArray() });
            return fake;
        });

    public static readonly OnCallVendor GoAlert = new("goalert", new OnCallTarget("goalert", "service", "svc-1"), new OnCallTarget("goalert", "service", "svc-empty"), "Alice",
        """{"data":{"service":{"id":"svc-1","escalationPolicy":{"id":"ep","name":"EP","steps":[{"stepNumber":0}]},"onCallUsers":[{"userID":"u1","userName":"Alice","stepNumber":0}]}}}""",
        async () =>
        {
            var fake = await FakeGoAlert.StartAsync();
            fake.Service("svc-1", ("u1", "Alice", 0));
            fake.Service("svc-empty");
            return fake;
        });

    public static readonly IReadOnlyList<OnCallVendor> All = [PagerDuty, Opsgenie, GrafanaOnCall, GoAlert];

    public static TheoryData<string> Names() => [.. All.Select(v => v.Name)];

    public static OnCallVendor Named(string name) => All.Single(v => v.Name == name);

    public Dictionary<string, string?> Settings(FakeOnCallApi fake) => fake switch
    {
        FakePagerDuty pd => OnCallHarness.Settings(pagerDuty: pd),
        FakeOpsgenie og => OnCallHarness.Settings(opsgenie: og),
        FakeGrafanaOnCall grafana => OnCallHarness.Settings(grafana: grafana),
        FakeGoAlert goAlert => OnCallHarness.Settings(goAlert: goAlert),
        _ => throw new ArgumentException("not an on-call fake", nameof(fake)),
    };

    public override string ToString() => Name;
}
