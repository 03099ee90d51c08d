using System.Text.Json.Nodes;
using IncidentBot.OnCall;
using IncidentBot.Tests.OnCall.Fakes;

namespace IncidentBot.Tests.OnCall;

/// <summary>The Grafana OnCall source against a fake serving Grafana's published schedule and user bodies.</summary>
public sealed class GrafanaOnCallSourceTests : IAsyncLifetime
{
    private const string Schedule = "SBM7DV7BKFUYU";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private FakeGrafanaOnCall _grafana = null!;
    private OnCallHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _grafana = await FakeGrafanaOnCall.StartAsync();
        _grafana.User(new JsonObject { ["id"] = "U6RV9WPSL6DFW", ["email"] = "bo@example.com", ["username"] = "Bo", ["role"] = "user" });
        _harness = OnCallHarness.Create(OnCallHarness.Settings(grafana: _grafana));
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _grafana.DisposeAsync();
    }

    private Task<OnCallAnswer> AskAsync(string id = Schedule) =>
        _harness.Source("grafana-oncall").WhoIsOnCallAsync(new OnCallTarget("grafana-oncall", "schedule", id), Now, CancellationToken.None);

    [Fact]
    public async Task PublishedScheduleGivesItsOnCallUsersWithEmails()
    {
        var answer = await AskAsync();

        Assert.Equal(
            [new OnCallPerson("Alex", "public-api-demo-user-1@grafana.com", 1, null, "grafana-oncall"), new OnCallPerson("Bo", "bo@example.com", 1, null, "grafana-oncall")],
            answer.Now);
        var calls = _grafana.Calls;
        Assert.Equal("/oncall/api/v1/schedules/SBM7DV7BKFUYU/", calls[0].Path);
        Assert.Contains(calls, c => c.Path == "/oncall/api/v1/users/U4DNY931HHJS5/");
        Assert.All(calls, c => Assert.Equal("grafana-test-key", c.Authorization));
    }

    [Fact]
    public async Task FinalShiftsGiveShiftEndsAndWhoIsNext()
    {
        _grafana.FinalShift(Schedule, "U4DNY931HHJS5", "public-api-demo-user-1@grafana.com", "Alex", Now.AddHours(-2), Now.AddHours(6));
        _grafana.FinalShift(Schedule, "U6RV9WPSL6DFW", "bo@example.com", "Bo", Now.AddHours(-2), Now.AddHours(1));
        _grafana.FinalShift(Schedule, "U4DNY931HHJS5", "public-api-demo-user-1@grafana.com", "Alex", Now.AddHours(-30), Now.AddHours(-20));
        _grafana.FinalShift(Schedule, "UNEXT", "cy@example.com", "Cy", Now.AddHours(6), Now.AddHours(18));

        var answer = await AskAsync();

        Assert.Equal([Now.AddHours(6), Now.AddHours(1)], answer.Now.Select(p => p.ShiftEnds));
        Assert.Equal([new OnCallPerson("Cy", "cy@example.com", 1, Now.AddHours(18), "grafana-oncall")], answer.Next);
        var shifts = _grafana.Calls.Single(c => c.Path.EndsWith("/final_shifts", StringComparison.Ordinal));
        Assert.Equal("2026-12-05", shifts["start_date"]);
        Assert.Equal("2026-12-08", shifts["end_date"]);
    }

    [Fact]
    public async Task WithoutFinalShiftsTheAnswerStandsWithoutEnds()
    {
        _grafana.WithoutFinalShifts();

        var answer = await AskAsync();

        Assert.Equal(2, answer.Now.Count);
        Assert.All(answer.Now, p => Assert.Null(p.ShiftEnds));
        Assert.Empty(answer.Next);
    }

    [Fact]
    public async Task UserGrafanaNoLongerKnowsIsNamedById()
    {
        _grafana.OnCallNow(Schedule, "U4DNY931HHJS5", "UGONE");

        var answer = await AskAsync();

        Assert.Equal(["Alex", "UGONE"], answer.Now.Select(p => p.Name));
        Assert.Null(answer.Now[1].Email);
    }

    [Fact]
    public async Task NobodyOnCallNowIsAnEmptyAnswer()
    {
        _grafana.OnCallNow(Schedule);

        Assert.Empty((await AskAsync()).Now);
    }

    [Fact]
    public async Task UnknownScheduleIsNamedInTheProblem()
    {
        var refused = await Assert.ThrowsAsync<OnCallSourceException>(() => AskAsync("SNOPE"));

        Assert.Contains("schedule SNOPE", refused.Problem);
    }
}
