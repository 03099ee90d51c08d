using IncidentBot.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>The PagerDuty source against a fake of PagerDuty's <c>GET /oncalls</c>.</summary>
public sealed class PagerDutySourceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private FakePagerDuty _pd = null!;
    private OnCallHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _pd = await FakePagerDuty.StartAsync();
        _harness = OnCallHarness.Create(OnCallHarness.Settings(pagerDuty: _pd));
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _pd.DisposeAsync();
    }

    private Task<OnCallAnswer> AskAsync(string kind, string id) =>
        _harness.Source("pagerduty").WhoIsOnCallAsync(new OnCallTarget("pagerduty", kind, id), Now, CancellationToken.None);

    [Fact]
    public async Task EscalationPolicyGivesEveryLevelWithEmailsShiftEndsAndWhoIsNext()
    {
        _pd.OnCall("PEP1", 1, "U0", "Old Shift", "old@example.com", "PS1", Now.AddHours(-12), Now.AddHours(-1));
        _pd.OnCall("PEP1", 1, "U1", "Alice Example", "alice@example.com", "PS1", Now.AddHours(-1), Now.AddHours(3));
        _pd.OnCall("PEP1", 2, "U2", "Bob Example", "bob@example.com", "PS2", Now.AddDays(-2), Now.AddDays(1));
        _pd.OnCall("PEP1", 1, "U3", "Carol Example", "carol@example.com", "PS1", Now.AddHours(3), Now.AddHours(15));
        _pd.OnCall("PEP2", 1, "U9", "Other Team", "other@example.com", "PS9", Now.AddHours(-1), Now.AddHours(3));

        var answer = await AskAsync("escalation-policy", "PEP1");

        Assert.Equal(
            [new OnCallPerson("Alice Example", "alice@example.com", 1, Now.AddHours(3), "pagerduty"), new OnCallPerson("Bob Example", "bob@example.com", 2, Now.AddDays(1), "pagerduty")],
            answer.Now);
        Assert.Equal([new OnCallPerson("Carol Example", "carol@example.com", 1, Now.AddHours(15), "pagerduty")], answer.Next);
        var call = _pd.Calls[0];
        Assert.Equal("/oncalls", call.Path);
        Assert.Equal("PEP1", call["escalation_policy_ids[]"]);
        Assert.Equal("users", call["include[]"]);
        Assert.Equal("Token token=pd-test-key", call.Authorization);
        Assert.Equal("application/vnd.pagerduty+json;version=2", call.Accept);
    }

    [Fact]
    public async Task PolicyNamingAUserDirectlyGivesThatUserWithNoShiftEnd()
    {
        _pd.OnCall("PEPDIRECT", 1, "U5", "Dana Direct", "dana@example.com", schedule: null, start: null, end: null);

        var answer = await AskAsync("escalation-policy", "PEPDIRECT");

        Assert.Equal([new OnCallPerson("Dana Direct", "dana@example.com", 1, null, "pagerduty")], answer.Now);
        Assert.Empty(answer.Next);
    }

    [Fact]
    public async Task SeveralSchedulesOnOneLevelGiveEveryoneOnItOnce()
    {
        _pd.OnCall("PEP3", 1, "U1", "Alice", "alice@example.com", "PS-EU", Now.AddHours(-1), Now.AddHours(5));
        _pd.OnCall("PEP3", 1, "U2", "Bob", "bob@example.com", "PS-US", Now.AddHours(-1), Now.AddHours(2));
        _pd.OnCall("PEP3", 1, "U1", "Alice", "alice@example.com", "PS-BACKUP", Now.AddHours(-1), Now.AddHours(9));

        var answer = await AskAsync("escalation-policy", "PEP3");

        Assert.Equal(["Bob", "Alice"], answer.Now.Select(p => p.Name));
        Assert.All(answer.Now, p => Assert.Equal(1, p.Level));
        Assert.Equal(Now.AddHours(9), answer.Now.Single(p => p.Name == "Alice").ShiftEnds);
    }

    [Fact]
    public async Task ScheduleIsAskedBySchedule()
    {
        _pd.OnCall("PEP1", 1, "U1", "Alice", "alice@example.com", "PSCHED", Now.AddHours(-1), Now.AddHours(5));
        _pd.OnCall("PEP1", 2, "U2", "Bob", "bob@example.com", "POTHER", Now.AddHours(-1), Now.AddHours(5));

        var answer = await AskAsync("schedule", "PSCHED");

        Assert.Equal(["Alice"], answer.Now.Select(p => p.Name));
        Assert.Equal("PSCHED", _pd.Calls[0]["schedule_ids[]"]);
    }

    [Fact]
    public async Task ServiceIsAskedThroughItsEscalationPolicy()
    {
        _pd.Service("PSVC1", "PEP7");
        _pd.OnCall("PEP7", 1, "U7", "Erin", "erin@example.com", "PS7", Now.AddHours(-1), Now.AddHours(1));

        var answer = await AskAsync("service", "PSVC1");

        Assert.Equal("erin@example.com", Assert.Single(answer.Now).Email);
        Assert.Equal(["/services/PSVC1", "/oncalls"], _pd.Calls.Take(2).Select(c => c.Path));
    }

    [Fact]
    public async Task EveryPageIsRead()
    {
        for (var i = 0; i < 130; i++)
        {
            _pd.OnCall("PEPBIG", 1 + (i % 3), $"U{i}", $"User {i}", $"user{i}@example.com", "PSBIG", Now.AddHours(-1), Now.AddHours(1));
        }

        var answer = await AskAsync("escalation-policy", "PEPBIG");

        Assert.Equal(130, answer.Now.Count);
        Assert.Equal(["0", "100"], _pd.Calls.Where(c => c.Path == "/oncalls" && c["since"] == Now.ToString("yyyy-MM-ddTHH:mm:ssZ")).Select(c => c["offset"]!));
    }

    [Fact]
    public async Task NobodyOnCallIsAnEmptyAnswer()
    {
        var answer = await AskAsync("escalation-policy", "PEMPTY");

        Assert.Empty(answer.Now);
        Assert.Empty(answer.Next);
    }

    [Theory]
    [InlineData("team")]
    [InlineData("")]
    public async Task KindsPagerDutyCannotAnswerAreRefusedWithoutACall(string kind)
    {
        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync(kind, "X"));

        Assert.Equal("pagerduty", refused.SourceName);
        Assert.Empty(_pd.Calls);
    }
}
