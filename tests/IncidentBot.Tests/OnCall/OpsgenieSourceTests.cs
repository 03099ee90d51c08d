using System.Text.Json.Nodes;
using IncidentBot.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>The Opsgenie source against a fake of Opsgenie's Who-is-on-call API.</summary>
public sealed class OpsgenieSourceTests : IAsyncLifetime
{
    private const string ScheduleId = "d875alp4-9b4e-4219-alp3-0c26936d18de";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private FakeOpsgenie _og = null!;
    private OnCallHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _og = await FakeOpsgenie.StartAsync();
        _harness = OnCallHarness.Create(OnCallHarness.Settings(opsgenie: _og));
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _og.DisposeAsync();
    }

    private Task<OnCallAnswer> AskAsync(string id) =>
        _harness.Source("opsgenie").WhoIsOnCallAsync(new OnCallTarget("opsgenie", "schedule", id), Now, CancellationToken.None);

    [Fact]
    public async Task ScheduleByNameGivesItsUsersNowAndNext()
    {
        _og.Schedule(ScheduleId, "payments_schedule", [FakeOpsgenie.User("alice@example.com"), FakeOpsgenie.User("bob@example.com")], [FakeOpsgenie.User("carol@example.com")]);

        var answer = await AskAsync("payments_schedule");

        Assert.Equal(
            [new OnCallPerson("alice@example.com", "alice@example.com", 1, null, "opsgenie"), new OnCallPerson("bob@example.com", "bob@example.com", 1, null, "opsgenie")],
            answer.Now);
        Assert.Equal(["carol@example.com"], answer.Next.Select(p => p.Email));
        var call = _og.Calls[0];
        Assert.Equal("/v2/schedules/payments_schedule/on-calls", call.Path);
        Assert.Equal("name", call["scheduleIdentifierType"]);
        Assert.Equal("false", call["flat"]);
        Assert.Equal("2026-12-06T10:00:00Z", call["date"]);
        Assert.Equal("GenieKey og-test-key", call.Authorization);
        Assert.Equal("/v2/schedules/payments_schedule/next-on-calls", _og.Calls[1].Path);
    }

    [Fact]
    public async Task ScheduleByIdIsAskedAsAnId()
    {
        var id = Guid.NewGuid().ToString();
        _og.Schedule(id, "ops", [FakeOpsgenie.User("alice@example.com")]);

        var answer = await AskAsync(id);

        Assert.Equal("alice@example.com", Assert.Single(answer.Now).Name);
        Assert.Equal("id", _og.Calls[0]["scheduleIdentifierType"]);
    }

    [Fact]
    public async Task EscalationRecipientsGetLevelsByEscalationTime()
    {
        _og.Schedule(ScheduleId, "esc", [FakeOpsgenie.Escalation("payments_escalation", ("second@example.com", 5), ("first@example.com", 0), ("third@example.com", 15))]);

        var answer = await AskAsync("esc");

        Assert.Equal([("first@example.com", 1), ("second@example.com", 2), ("third@example.com", 3)], answer.Now.Select(p => (p.Name, p.Level)));
    }

    [Fact]
    public async Task TeamsWithoutUsersAndEmptySchedulesGiveNobody()
    {
        _og.Schedule(ScheduleId, "empty", []);
        _og.Schedule(Guid.NewGuid().ToString(), "team-only", [new JsonObject { ["id"] = "t1", ["name"] = "payments", ["type"] = "team" }]);

        Assert.Empty((await AskAsync("empty")).Now);
        Assert.Empty((await AskAsync("team-only")).Now);
    }

    [Fact]
    public async Task WhoIsNextFailingKeepsWhoIsOnCallNow()
    {
        _og.Schedule(Guid.NewGuid().ToString(), "ops", [FakeOpsgenie.User("alice@example.com")], [FakeOpsgenie.User("bob@example.com")]);
        _og.FailWith(500, call => call.Path.EndsWith("/next-on-calls", StringComparison.Ordinal));

        var answer = await AskAsync("ops");

        Assert.Equal("alice@example.com", Assert.Single(answer.Now).Email);
        Assert.Empty(answer.Next);
        Assert.Contains(_og.Calls, c => c.Path.EndsWith("/next-on-calls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownScheduleIsNamedInTheProblem()
    {
        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync("nope"));

        Assert.Equal("opsgenie", refused.SourceName);
        Assert.Contains("schedule nope", refused.Problem);
        Assert.Contains("404", refused.Problem);
    }

    [Fact]
    public async Task ThrottlingWithOnlyOpsgeniesPeriodHeaderWaitsThatPeriod()
    {
        _og.Schedule(ScheduleId, "ops", [FakeOpsgenie.User("alice@example.com")]);
        _og.ThrottleWith(new Dictionary<string, string> { ["X-RateLimit-State"] = "THROTTLED", ["X-RateLimit-Reason"] = "INTEGRATION", ["X-RateLimit-Period-In-Sec"] = "10" });

        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync("ops"));

        Assert.Equal(TimeSpan.FromSeconds(10), refused.RetryAfter);
    }
}
